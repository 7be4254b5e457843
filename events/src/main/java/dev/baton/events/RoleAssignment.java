package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The current assignment of a role, on the compacted {@link Topic#ROLE_ASSIGNMENTS} keyed by role id: the
 * latest record per role is the present state.
 *
 * @param serverId the server that must run the role at this epoch; absent when no server is eligible
 * @param endpoint where the role answers, once its host reported it RUNNING at this epoch
 */
public record RoleAssignment(
        UUID eventId,
        Instant occurredAt,
        String roleId,
        long epoch,
        @OptionalField String serverId,
        @OptionalField Endpoint endpoint,
        MoveReason reason) implements BatonEvent {
    public RoleAssignment {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("roleId", roleId);
        Checks.nonNegative("epoch", epoch);
        Ids.validOrNull("serverId", serverId);
        Checks.required("reason", reason);
    }

    @Override
    public String key() {
        return roleId;
    }
}
