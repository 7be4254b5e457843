package dev.baton.faults;

/**
 * A named fault: what it does ({@code action}, run against a {@link Faults}), the kind it belongs to (the CI profile
 * runs every kind at least once) and, when it breaks an invariant for a reason known and being fixed elsewhere, why
 * ({@code known}); known scenarios run only when asked for.
 */
record Scenario(String name, String kind, String known, Action action) {
    @FunctionalInterface
    interface Action {
        void inject(Faults faults) throws Exception;
    }

    static Scenario of(String name, String kind, Action action) {
        return new Scenario(name, kind, null, action);
    }

    static Scenario known(String name, String kind, String why, Action action) {
        return new Scenario(name, kind, why, action);
    }

    boolean isKnown() {
        return known != null;
    }
}
