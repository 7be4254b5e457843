package dev.baton.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A record that could not be decoded or validated, on {@link Topic#DEAD_LETTERS} under its original key.
 *
 * @param key the original record key, as text; absent when the record had none
 * @param reason what was wrong, as {@link EventDecodingException#getMessage()} says it
 * @param payload the original value when it was valid UTF-8
 * @param payloadBase64 the original value in Base64 when it was not
 * @param rejectedBy the service instance that rejected it
 *
 * <p>Its {@code eventId} is {@link #idFor} the rejected record, not random: every reader that rejects the same
 * record (each placement instance, each agent, the audit-service itself) writes a dead letter with the same id, and
 * the audit stores it once.
 */
public record DeadLetter(
        UUID eventId,
        Instant occurredAt,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        @OptionalField String key,
        String reason,
        @OptionalField String payload,
        @OptionalField String payloadBase64,
        String rejectedBy) implements BatonEvent {
    /**
     * The id of the dead letter of the record at {@code offset} of {@code topic}'s {@code partition}: a name-based
     * (version 3) UUID of those coordinates and the record's Kafka timestamp, which tells a record apart from one
     * at the same offset of a topic deleted and created again. Every reader derives the same id.
     */
    public static UUID idFor(String topic, int partition, long offset, long timestamp) {
        String name = "baton-dead-letter:" + topic + ":" + partition + ":" + offset + ":" + timestamp;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    public DeadLetter {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Checks.nonBlank("sourceTopic", sourceTopic);
        Checks.nonNegative("sourcePartition", sourcePartition);
        Checks.nonNegative("sourceOffset", sourceOffset);
        Checks.nonBlank("reason", reason);
        Checks.nonBlank("rejectedBy", rejectedBy);
    }
}
