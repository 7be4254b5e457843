package dev.baton.placement.api;

import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.policy.Assignment;
import dev.baton.placement.policy.Assignments;
import dev.baton.placement.policy.Hold;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the placement loop knows after its latest round, for the admin API to show. Immutable; replaced as a
 * whole after every round.
 *
 * @param leader whether this instance makes decisions
 * @param instanceId this placement-service instance
 * @param deferredBecause why the latest round decided nothing (not ready yet, loop stalled), or null
 * @param view every server with its state and what it reported
 * @param assignments the current assignment of every role
 * @param held roles that would move but wait (failback delay, restart budget...), with why
 * @param term the leadership term this instance leads in or knows of
 * @param leaderId the instance that leads, null when none is known
 * @param leaderAdminUrl where the leader's admin API answers, null when unknown or when this instance leads
 */
public record PlacementSnapshot(
        Instant at,
        boolean leader,
        String instanceId,
        String deferredBecause,
        ClusterView view,
        Assignments assignments,
        List<Hold> held,
        long term,
        String leaderId,
        String leaderAdminUrl) {

    public PlacementSnapshot {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(assignments, "assignments");
        held = List.copyOf(held);
    }

    /** A snapshot of an instance that leads on its own (no election). */
    public PlacementSnapshot(Instant at, boolean leader, String instanceId, String deferredBecause, ClusterView view,
            Assignments assignments, List<Hold> held) {
        this(at, leader, instanceId, deferredBecause, view, assignments, held, 0, leader ? instanceId : null, null);
    }

    /** The server the role is assigned to, if it is placed. */
    public Optional<String> hostOf(String roleId) {
        return assignments.get(roleId).filter(Assignment::isPlaced).map(Assignment::serverId);
    }
}
