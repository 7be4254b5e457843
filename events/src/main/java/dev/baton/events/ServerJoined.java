package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/** A server's first heartbeat of a new incarnation was seen. */
public record ServerJoined(
        UUID eventId,
        Instant occurredAt,
        String serverId,
        String incarnation,
        String host,
        ServerKind kind) implements ServerEvent {
    public ServerJoined {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("serverId", serverId);
        Ids.requireValid("incarnation", incarnation);
        Checks.nonBlank("host", host);
        Checks.required("kind", kind);
    }
}
