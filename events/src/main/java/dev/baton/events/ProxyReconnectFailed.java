package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/** The gateway could not re-point a role's connections within its switch timeout and closed them. */
public record ProxyReconnectFailed(
        UUID eventId,
        Instant occurredAt,
        String roleId,
        String gatewayId,
        long epoch,
        int connectionsClosed,
        String reason) implements ProxyEvent {
    public ProxyReconnectFailed {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("roleId", roleId);
        Ids.requireValid("gatewayId", gatewayId);
        Checks.nonNegative("epoch", epoch);
        Checks.nonNegative("connectionsClosed", connectionsClosed);
        Checks.nonBlank("reason", reason);
    }
}
