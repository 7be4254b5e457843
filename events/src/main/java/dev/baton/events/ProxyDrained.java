package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A gateway took every client connection of a role off its old host after a {@link RoleDraining}: no new client
 * byte goes there any more (they are held for the new host), and the answers that were owed came back or its drain
 * timeout passed.
 *
 * @param epoch the drained epoch, as in the RoleDraining
 * @param connections connections taken off the old host (each now waits for the new one, holding its client's bytes)
 * @param connectionsAwaiting of them, those that awaited an answer and drained (received it or hit the timeout)
 * @param connectionsTimedOut of those, the ones whose answer had not come when the drain timeout passed
 * @param drainMillis from the RoleDraining's arrival to the last connection drained; 0 when none awaited
 */
public record ProxyDrained(
        UUID eventId,
        Instant occurredAt,
        String roleId,
        String gatewayId,
        long epoch,
        int connections,
        int connectionsAwaiting,
        int connectionsTimedOut,
        long drainMillis) implements ProxyEvent {
    public ProxyDrained {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("roleId", roleId);
        Ids.requireValid("gatewayId", gatewayId);
        Checks.nonNegative("epoch", epoch);
        Checks.nonNegative("connections", connections);
        Checks.nonNegative("connectionsAwaiting", connectionsAwaiting);
        Checks.nonNegative("connectionsTimedOut", connectionsTimedOut);
        Checks.nonNegative("drainMillis", drainMillis);
    }
}
