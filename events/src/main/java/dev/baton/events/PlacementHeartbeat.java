package dev.baton.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * A placement-service instance is alive, on {@link Topic#PLACEMENT_CONTROL} keyed by instance id. Instances
 * elect their leader from these: the leader's heartbeats carry {@code leader=true} and its term; when they stop,
 * a standby takes over with a higher term.
 *
 * @param incarnation new for every start of the instance
 * @param sequence increases by one per heartbeat within an incarnation
 * @param term the leadership term this instance knows of (the highest seen); a leader's own term when leading
 * @param leader the instance leads in {@code term}; false when absent
 * @param adminUrl where the instance's admin API answers, so a standby can forward requests to the leader
 */
public record PlacementHeartbeat(
        UUID eventId,
        Instant occurredAt,
        String instanceId,
        String incarnation,
        long sequence,
        long term,
        @OptionalField @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean leader,
        @OptionalField String adminUrl) implements BatonEvent {
    public PlacementHeartbeat {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("instanceId", instanceId);
        Ids.requireValid("incarnation", incarnation);
        Checks.nonNegative("sequence", sequence);
        Checks.nonNegative("term", term);
        leader = Boolean.TRUE.equals(leader);
    }

    @Override
    public String key() {
        return instanceId;
    }
}
