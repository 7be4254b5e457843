package dev.baton.placement.policy;

import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleMoved;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A decision to run {@code roleId} on {@code to} at {@code epoch}.
 *
 * @param from the previous host; null when the role was not placed (INITIAL, or placed again after being
 *     unplaced)
 * @param epoch the previous epoch + 1
 * @param cause a readable sentence, e.g. "server-a DOWN: no heartbeat for 812 ms (timeout 700 ms)"
 * @param detectedAt when the failure that caused the move was detected (server DOWN, role FAILED, database
 *     unreachable); null for moves not caused by a failure
 */
public record Move(String roleId, String from, String to, long epoch, MoveReason reason, String cause,
        Instant detectedAt) {
    public Move {
        Objects.requireNonNull(roleId, "roleId");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
    }

    /** The RoleMoved event to publish on the role-events topic. */
    public RoleMoved toEvent(UUID eventId, Instant decidedAt) {
        return new RoleMoved(eventId, decidedAt, roleId, epoch, from, to, reason, cause, detectedAt, decidedAt);
    }

    /** The new assignment to publish on the compacted role-assignments topic (no endpoint until it runs). */
    public RoleAssignment toAssignment(UUID eventId, Instant decidedAt) {
        return new RoleAssignment(eventId, decidedAt, roleId, epoch, to, null, reason);
    }
}
