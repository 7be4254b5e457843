package dev.baton.placement.api;

import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.policy.Assignment;
import dev.baton.placement.policy.Assignments;
import dev.baton.placement.policy.Hold;
import dev.baton.placement.store.RoleDefinition;
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
 * @param roles every role's configuration as the loop last loaded it from the database: what the read endpoints
 *     answer, marked stale, while the database does not answer
 * @param rolesLoadedAt when {@code roles} was loaded, null before the first load
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
        String leaderAdminUrl,
        List<RoleDefinition> roles,
        Instant rolesLoadedAt) {

    public PlacementSnapshot {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(assignments, "assignments");
        held = List.copyOf(held);
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    /** A snapshot of an instance that leads on its own (no election). */
    public PlacementSnapshot(Instant at, boolean leader, String instanceId, String deferredBecause, ClusterView view,
            Assignments assignments, List<Hold> held) {
        this(at, leader, instanceId, deferredBecause, view, assignments, held, 0, leader ? instanceId : null, null,
                List.of(), null);
    }

    /** This snapshot with the roles as last loaded from the database at {@code loadedAt}. */
    public PlacementSnapshot withRoles(List<RoleDefinition> loaded, Instant loadedAt) {
        return new PlacementSnapshot(at, leader, instanceId, deferredBecause, view, assignments, held, term, leaderId,
                leaderAdminUrl, loaded, loadedAt);
    }

    /** The server the role is assigned to, if it is placed. */
    public Optional<String> hostOf(String roleId) {
        return assignments.get(roleId).filter(Assignment::isPlaced).map(Assignment::serverId);
    }
}
