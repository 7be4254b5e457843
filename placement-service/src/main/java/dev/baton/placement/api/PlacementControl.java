package dev.baton.placement.api;

import dev.baton.placement.policy.ManualMove;
import java.util.concurrent.CompletableFuture;

/**
 * How the admin API talks to the placement loop. Implementations never block the caller: requests are queued
 * into the loop's thread and answered through futures.
 */
public interface PlacementControl {

    /** The loop's latest state. */
    PlacementSnapshot snapshot();

    /**
     * Asks the loop to move a role by hand. Completes with the published move or with the reason it was refused
     * (target not in the role's list, not eligible, placement not ready, not the leader...).
     */
    CompletableFuture<ManualMoveResult> requestMove(ManualMove request);

    /**
     * Asks the leader's loop to forget the role's recent resource failures, so a role held because its restart
     * budget is exhausted may move again at the next round. Completes with how many were forgotten, or why not.
     */
    CompletableFuture<BudgetReset> resetRestartBudget(String roleId, String by);

    /**
     * An operator overrides the safety brake: the loop's next evaluation declares the silent servers DOWN and their
     * roles fail over.
     */
    void releaseSafetyBrake(String by);

    /** Role configuration changed in the store: the loop reloads it before its next decision. */
    void rolesChanged();

    /** A server's maintenance flag changed in the store: the loop applies it before its next decision. */
    void maintenanceChanged(String serverId, boolean maintenance, String by);
}
