package dev.baton.placement.loop;

import dev.baton.placement.api.BudgetReset;
import dev.baton.placement.api.ManualMoveResult;
import dev.baton.placement.api.PlacementControl;
import dev.baton.placement.api.PlacementSnapshot;
import dev.baton.placement.policy.ManualMove;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The placement loop as the admin API sees it: the latest snapshot, and a queue of commands the loop applies at
 * its next round. Every method returns at once; answers come back through futures.
 */
public final class LoopControl implements PlacementControl {

    /** What the admin API asks of the loop. */
    sealed interface Command {
    }

    record ReloadRoles() implements Command {
    }

    record SetMaintenance(String serverId, boolean on, String by) implements Command {
    }

    record RequestMove(ManualMoves.Pending pending) implements Command {
    }

    record ResetBudget(String roleId, String by, CompletableFuture<BudgetReset> answer) implements Command {
    }

    record ReleaseBrake(String by) implements Command {
    }

    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private volatile PlacementSnapshot snapshot;
    private volatile String adminUrl;

    LoopControl(PlacementSnapshot initial) {
        this.snapshot = Objects.requireNonNull(initial, "initial");
    }

    /** Where this instance's admin API answers, announced to the other instances for forwarding. */
    public void advertiseAdminUrl(String url) {
        this.adminUrl = url;
    }

    String adminUrl() {
        return adminUrl;
    }

    /** The next queued command, or null. */
    Command next() {
        return commands.poll();
    }

    /** Replaces the snapshot the admin API reads. */
    void show(PlacementSnapshot latest) {
        this.snapshot = latest;
    }

    @Override
    public PlacementSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public CompletableFuture<ManualMoveResult> requestMove(ManualMove request) {
        Objects.requireNonNull(request, "request");
        CompletableFuture<ManualMoveResult> answer = new CompletableFuture<>();
        commands.add(new RequestMove(new ManualMoves.Pending(request, answer)));
        return answer;
    }

    @Override
    public void releaseSafetyBrake(String by) {
        commands.add(new ReleaseBrake(by));
    }

    @Override
    public CompletableFuture<BudgetReset> resetRestartBudget(String roleId, String by) {
        CompletableFuture<BudgetReset> answer = new CompletableFuture<>();
        commands.add(new ResetBudget(Objects.requireNonNull(roleId, "roleId"), by, answer));
        return answer;
    }

    @Override
    public void rolesChanged() {
        commands.add(new ReloadRoles());
    }

    @Override
    public void maintenanceChanged(String serverId, boolean maintenance, String by) {
        commands.add(new SetMaintenance(serverId, maintenance, by));
    }
}
