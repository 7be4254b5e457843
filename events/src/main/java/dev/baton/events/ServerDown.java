package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The failure detector declared a server DOWN; {@code occurredAt} is the detection time.
 *
 * @param lastHeartbeatAt the send time of the last heartbeat seen from it
 * @param cause a readable sentence, e.g. "no heartbeat for 900 ms (timeout 800 ms)"
 */
public record ServerDown(
        UUID eventId,
        Instant occurredAt,
        String serverId,
        String incarnation,
        Instant lastHeartbeatAt,
        String cause) implements ServerEvent {
    public ServerDown {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("serverId", serverId);
        Ids.requireValid("incarnation", incarnation);
        Checks.required("lastHeartbeatAt", lastHeartbeatAt);
        Checks.nonBlank("cause", cause);
    }
}
