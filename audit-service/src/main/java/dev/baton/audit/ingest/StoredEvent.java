package dev.baton.audit.ingest;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One row of the {@code events} table, ready to insert.
 *
 * @param eventId the event's own id, or a name-based id for a record the audit service could not decode
 * @param key the record key, with characters PostgreSQL text cannot hold replaced
 * @param type an {@code EventType} wire name; {@code DeadLetter} for undecodable records
 * @param roleId the role the event is about, or null
 * @param serverId the server the event is about (for RoleMoved: the new host), or null
 * @param epoch the role's epoch, or null
 * @param occurredAt when the event happened, at microsecond precision (PostgreSQL's)
 * @param payload JSON text that PostgreSQL accepts as {@code jsonb}
 */
public record StoredEvent(
        UUID eventId,
        String topic,
        int partition,
        long offset,
        String key,
        String type,
        String roleId,
        String serverId,
        Long epoch,
        Instant occurredAt,
        String payload) {
    public StoredEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(payload, "payload");
    }
}
