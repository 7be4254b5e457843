package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A proxy gateway is alive, on {@link Topic#HEARTBEATS} keyed by gateway id. The placement waits, in a planned
 * move, for the {@link ProxyDrained} of every gateway heard recently, and no longer than the longest drain timeout
 * they announce.
 *
 * @param incarnation new for every start of the gateway
 * @param sequence increases by one per heartbeat within an incarnation
 * @param drainTimeoutMillis how long this gateway waits for a draining connection's answers
 */
public record GatewayHeartbeat(
        UUID eventId,
        Instant occurredAt,
        String gatewayId,
        String incarnation,
        long sequence,
        long drainTimeoutMillis) implements BatonEvent {
    public GatewayHeartbeat {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("gatewayId", gatewayId);
        Ids.requireValid("incarnation", incarnation);
        Checks.nonNegative("sequence", sequence);
        Checks.nonNegative("drainTimeoutMillis", drainTimeoutMillis);
    }

    @Override
    public String key() {
        return gatewayId;
    }
}
