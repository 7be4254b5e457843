package dev.baton.events;

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
