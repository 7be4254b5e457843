package dev.baton.placement.api;

import dev.baton.events.MoveReason;
import dev.baton.events.ServerKind;
import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.detector.ServerState;
import dev.baton.placement.detector.ServerView;
import dev.baton.placement.policy.Assignment;
import dev.baton.placement.policy.Assignments;
import dev.baton.placement.policy.Hold;
import dev.baton.placement.policy.ManualMove;
import dev.baton.placement.policy.Move;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link PlacementControl} for API tests: answers the snapshot it was given and records what the API
 * told it. Manual moves are accepted, or refused or left unanswered for the roles a test names.
 */
final class FakePlacementControl implements PlacementControl {
    static final Instant NOW = Instant.parse("2025-03-14T09:26:53Z");
    static final String DOWN_CAUSE = "no heartbeat for 812 ms (timeout 700 ms)";

    /** A maintenance notification as received. */
    record MaintenanceCall(String serverId, boolean maintenance, String by) {
    }

    private volatile PlacementSnapshot snapshot;
    private final AtomicInteger rolesChanged = new AtomicInteger();
    private final List<MaintenanceCall> maintenanceCalls = new CopyOnWriteArrayList<>();
    private final List<ManualMove> moveRequests = new CopyOnWriteArrayList<>();
    private final Map<String, String> refusals = new ConcurrentHashMap<>();
    private final Map<String, Boolean> unanswered = new ConcurrentHashMap<>();
    private final List<String> budgetResets = new CopyOnWriteArrayList<>();
    private final List<String> brakeReleases = new CopyOnWriteArrayList<>();

    FakePlacementControl(PlacementSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** A snapshot with the given servers in the view and the given assignments. */
    static PlacementSnapshot snapshot(List<ServerView> servers, List<Assignment> assignments, List<Hold> held) {
        return new PlacementSnapshot(NOW, true, "placement-1", null, new ClusterView(NOW, true, NOW, servers),
                Assignments.of(assignments), held);
    }

    /** A server as the detector sees it: UP, DOWN (with a cause) or MAINTENANCE. */
    static ServerView server(String serverId, ServerState state, ServerKind kind) {
        boolean alive = state != ServerState.DOWN;
        return new ServerView(serverId, state, alive, serverId + "-i1", serverId + ".corp.example", kind, 42, NOW,
                NOW, state == ServerState.UP ? NOW.minusSeconds(3600) : null, alive ? null : NOW.minusMillis(150),
                alive ? null : DOWN_CAUSE, 0, false, List.of(), List.of());
    }

    void snapshot(PlacementSnapshot next) {
        snapshot = next;
    }

    /** Manual moves of {@code roleId} are refused with {@code reason}. */
    void refuseMovesOf(String roleId, String reason) {
        refusals.put(roleId, reason);
    }

    /** Manual moves of {@code roleId} are never answered, as by a stalled loop. */
    void neverAnswerMovesOf(String roleId) {
        unanswered.put(roleId, true);
    }

    int rolesChangedCalls() {
        return rolesChanged.get();
    }

    List<MaintenanceCall> maintenanceCalls() {
        return new ArrayList<>(maintenanceCalls);
    }

    List<ManualMove> moveRequests() {
        return new ArrayList<>(moveRequests);
    }

    @Override
    public PlacementSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public CompletableFuture<ManualMoveResult> requestMove(ManualMove request) {
        moveRequests.add(request);
        if (unanswered.containsKey(request.roleId())) {
            return new CompletableFuture<>();
        }
        String refusal = refusals.get(request.roleId());
        if (refusal != null) {
            return CompletableFuture.completedFuture(ManualMoveResult.rejected(refusal));
        }
        Assignment current = snapshot.assignments().find(request.roleId());
        long epoch = current == null ? 1 : current.epoch() + 1;
        String from = current == null ? null : current.serverId();
        return CompletableFuture.completedFuture(ManualMoveResult.moved(new Move(request.roleId(), from, request.to(),
                epoch, MoveReason.MANUAL, "moved by " + request.requestedBy(), null)));
    }

    @Override
    public CompletableFuture<BudgetReset> resetRestartBudget(String roleId, String by) {
        budgetResets.add(roleId + " by " + by);
        Assignment current = snapshot.assignments().find(roleId);
        return CompletableFuture.completedFuture(current == null
                ? BudgetReset.rejected("role " + roleId + " has no assignment yet")
                : BudgetReset.done(current.resourceFailures().size()));
    }

    List<String> budgetResets() {
        return new ArrayList<>(budgetResets);
    }

    @Override
    public void releaseSafetyBrake(String by) {
        brakeReleases.add(by);
    }

    List<String> brakeReleases() {
        return new ArrayList<>(brakeReleases);
    }

    @Override
    public void rolesChanged() {
        rolesChanged.incrementAndGet();
    }

    @Override
    public void maintenanceChanged(String serverId, boolean maintenance, String by) {
        maintenanceCalls.add(new MaintenanceCall(serverId, maintenance, by));
    }
}
