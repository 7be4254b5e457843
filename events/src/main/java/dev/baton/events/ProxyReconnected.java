package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The gateway re-pointed a role's client connections to its new host after a move.
 *
 * @param reconnectMillis from the RoleMoved to the first byte forwarded to the new host
 * @param bytesBuffered client bytes held while the connections were switching
 */
public record ProxyReconnected(
        UUID eventId,
        Instant occurredAt,
        String roleId,
        String gatewayId,
        long epoch,
        int connectionsMoved,
        long reconnectMillis,
        long bytesBuffered) implements ProxyEvent {
    public ProxyReconnected {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("roleId", roleId);
        Ids.requireValid("gatewayId", gatewayId);
        Checks.nonNegative("epoch", epoch);
        Checks.nonNegative("connectionsMoved", connectionsMoved);
        Checks.nonNegative("reconnectMillis", reconnectMillis);
        Checks.nonNegative("bytesBuffered", bytesBuffered);
    }
}
