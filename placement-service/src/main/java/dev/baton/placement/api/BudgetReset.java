package dev.baton.placement.api;

/**
 * The answer to an operator's reset of a role's restart budget.
 *
 * @param cleared how many recent resource failures were forgotten; meaningless when rejected
 * @param rejection why nothing was reset (not the leader, no such assignment), null when reset
 */
public record BudgetReset(int cleared, String rejection) {
    public static BudgetReset done(int cleared) {
        return new BudgetReset(cleared, null);
    }

    public static BudgetReset rejected(String reason) {
        return new BudgetReset(0, reason);
    }

    public boolean accepted() {
        return rejection == null;
    }
}
