package dev.baton.placement.policy;

import dev.baton.events.MoveReason;
import java.util.Objects;

/**
 * A role that should move but stays on {@code serverId}, e.g. its host reports it FAILED but its restart budget
 * is exhausted or no other server is eligible. A status recomputed every round, not an event: report it when it
 * changes.
 *
 * @param wanted the move that was not made
 * @param cause why, e.g. "role FAILED on server-a at epoch 7; restart budget exhausted: 3 resource-failure moves
 *     in the last 10 min (limit 3); it stays on server-a"
 */
public record Hold(String roleId, String serverId, long epoch, MoveReason wanted, String cause) {
    public Hold {
        Objects.requireNonNull(roleId, "roleId");
        Objects.requireNonNull(wanted, "wanted");
        Objects.requireNonNull(cause, "cause");
    }
}
