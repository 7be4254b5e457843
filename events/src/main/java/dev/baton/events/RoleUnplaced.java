package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * No server is eligible for the role; it is placed as soon as one becomes eligible.
 *
 * @param epoch the epoch of the assignment that ended (0 when the role never ran)
 * @param from the server that hosted it, if any
 */
public record RoleUnplaced(
        UUID eventId,
        Instant occurredAt,
        String roleId,
        long epoch,
        @OptionalField String from,
        String cause,
        @OptionalField Instant detectedAt) implements RoleEvent {
    public RoleUnplaced {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("roleId", roleId);
        Checks.nonNegative("epoch", epoch);
        Ids.validOrNull("from", from);
        Checks.nonBlank("cause", cause);
    }
}
