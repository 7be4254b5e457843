package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The safety brake came off: the silent servers were heard again (failovers resume; those still silent get a full
 * failure timeout from now), or an operator released it (the silent servers are declared DOWN).
 *
 * @param releasedBy the operator who released it; absent when heartbeats returned
 * @param reason one readable sentence
 */
public record SafetyBrakeReleased(
        UUID eventId,
        Instant occurredAt,
        String instanceId,
        @OptionalField String releasedBy,
        String reason) implements SafetyBrakeEvent {
    public SafetyBrakeReleased {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("instanceId", instanceId);
        Checks.nonBlank("reason", reason);
    }
}
