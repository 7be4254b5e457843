package dev.baton.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A large share of the servers fell silent at once: the placement suspects the broker or itself rather than the
 * servers, and holds failovers until heartbeats return or an operator releases the brake.
 *
 * @param since when the servers were found silent together
 * @param silentServers the servers that fell silent, sorted
 * @param serversHeard how many servers the placement had heard from: the silent share is
 *     {@code silentServers.size()} of it
 * @param reason one readable sentence
 */
public record SafetyBrakeEngaged(
        UUID eventId,
        Instant occurredAt,
        String instanceId,
        Instant since,
        List<String> silentServers,
        int serversHeard,
        String reason) implements SafetyBrakeEvent {
    public SafetyBrakeEngaged {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("instanceId", instanceId);
        Checks.required("since", since);
        silentServers = Checks.list("silentServers", silentServers);
        silentServers.forEach(serverId -> Ids.requireValid("silentServers[]", serverId));
        Checks.nonNegative("serversHeard", serversHeard);
        Checks.nonBlank("reason", reason);
    }
}
