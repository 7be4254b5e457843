package dev.baton.audit.query;

import java.time.Instant;
import java.util.UUID;

/** A stored event as the API returns it. {@code payload} is the stored JSON text. */
public record StoredEventView(
        UUID eventId,
        String type,
        String topic,
        int partition,
        long offset,
        String key,
        String roleId,
        String serverId,
        Long epoch,
        Instant occurredAt,
        Instant recordedAt,
        String payload) {
}
