package dev.baton.placement.policy;

import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleUnplaced;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * No server is eligible for the role. Decided once per loss of placement, not every round; the role is placed
 * again by a later decision as soon as a server becomes eligible.
 *
 * @param from the host it leaves; null when it was not placed
 * @param previousEpoch the epoch of the assignment that ended (0 when the role never ran)
 * @param epoch the epoch of the new, server-less assignment: {@code previousEpoch + 1} when the role leaves a host
 *     (so that host's agent stops it), {@code 0} when it never ran
 * @param reason what took the role's place away (FAILOVER, MAINTENANCE, MANUAL) or INITIAL for a new role
 */
public record Unplacement(String roleId, String from, long previousEpoch, long epoch, MoveReason reason,
        String cause, Instant detectedAt) {
    public Unplacement {
        Objects.requireNonNull(roleId, "roleId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
    }

    /** The RoleUnplaced event to publish on the role-events topic (its epoch is the one that ended). */
    public RoleUnplaced toEvent(UUID eventId, Instant decidedAt) {
        return new RoleUnplaced(eventId, decidedAt, roleId, previousEpoch, from, cause, detectedAt);
    }

    /** The server-less assignment to publish on the compacted role-assignments topic. */
    public RoleAssignment toAssignment(UUID eventId, Instant decidedAt) {
        return new RoleAssignment(eventId, decidedAt, roleId, epoch, null, null, reason);
    }
}
