package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/** A server entered scheduled downtime: its roles leave it by planned moves. */
public record MaintenanceStarted(
        UUID eventId,
        Instant occurredAt,
        String serverId,
        String requestedBy) implements ServerEvent {
    public MaintenanceStarted {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("serverId", serverId);
        Checks.nonBlank("requestedBy", requestedBy);
    }
}
