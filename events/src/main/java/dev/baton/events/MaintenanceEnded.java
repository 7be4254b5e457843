package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/** A server left scheduled downtime and is eligible again. */
public record MaintenanceEnded(
        UUID eventId,
        Instant occurredAt,
        String serverId,
        String requestedBy) implements ServerEvent {
    public MaintenanceEnded {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("serverId", serverId);
        Checks.nonBlank("requestedBy", requestedBy);
    }
}
