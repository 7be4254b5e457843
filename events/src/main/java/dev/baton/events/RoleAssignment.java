package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The current assignment of a role, on the compacted {@link Topic#ROLE_ASSIGNMENTS} keyed by role id: the
 * latest record per role is the present state.
 *
 * @param serverId the server that must run the role at this epoch; absent when no server is eligible
 * @param endpoint where the role answers, once its host reported it RUNNING at this epoch
 * @param handoverFrom a server that may still run the role (a planned move, break-before-make): the assigned server
 *     does not start the role while this is present; the placement publishes the same assignment again without it
 *     once that server reported the role stopped, was declared DOWN, or the placement's bound passed
 */
public record RoleAssignment(
        UUID eventId,
        Instant occurredAt,
        String roleId,
        long epoch,
        @OptionalField String serverId,
        @OptionalField Endpoint endpoint,
        MoveReason reason,
        @OptionalField String handoverFrom) implements BatonEvent {
    public RoleAssignment {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("roleId", roleId);
        Checks.nonNegative("epoch", epoch);
        Ids.validOrNull("serverId", serverId);
        Checks.required("reason", reason);
        Ids.validOrNull("handoverFrom", handoverFrom);
    }

    /** An assignment the assigned server may act on at once. */
    public RoleAssignment(UUID eventId, Instant occurredAt, String roleId, long epoch, String serverId,
            Endpoint endpoint, MoveReason reason) {
        this(eventId, occurredAt, roleId, epoch, serverId, endpoint, reason, null);
    }

    @Override
    public String key() {
        return roleId;
    }
}
