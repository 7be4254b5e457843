package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/** A server that was DOWN heartbeats again. */
public record ServerUp(
        UUID eventId,
        Instant occurredAt,
        String serverId,
        String incarnation,
        String host) implements ServerEvent {
    public ServerUp {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("serverId", serverId);
        Ids.requireValid("incarnation", incarnation);
        Checks.nonBlank("host", host);
    }
}
