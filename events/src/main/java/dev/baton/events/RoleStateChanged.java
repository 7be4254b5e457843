package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Published by the agent of {@code serverId} each time the role's state changes there.
 *
 * @param endpoint where the role answers; present once it is RUNNING
 * @param detail a readable reason, e.g. the exit code of a plugin that died
 */
public record RoleStateChanged(
        UUID eventId,
        Instant occurredAt,
        String roleId,
        String serverId,
        long epoch,
        RoleState state,
        @OptionalField Endpoint endpoint,
        @OptionalField String detail) implements RoleEvent {
    public RoleStateChanged {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("roleId", roleId);
        Ids.requireValid("serverId", serverId);
        Checks.nonNegative("epoch", epoch);
        Checks.required("state", state);
    }
}
