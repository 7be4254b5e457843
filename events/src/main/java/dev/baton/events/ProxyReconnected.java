package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The gateway re-pointed a role's client connections to its new host after a move, or closed the ones that awaited
 * an answer from the old host.
 *
 * @param connectionsMoved connections re-pointed to the new host (idle, replayed, or re-pointed under the in-flight
 *     policy {@code repoint})
 * @param reconnectMillis from the RoleMoved to the first byte forwarded to the new host; 0 when none was re-pointed
 * @param bytesBuffered client bytes held while the connections were switching
 * @param connectionsIdle of {@code connectionsMoved}, those that awaited no answer when the old host was lost;
 *     absent from gateways older than this field
 * @param connectionsReplayed of {@code connectionsMoved}, those whose unanswered bytes were resent to the new host
 * @param connectionsClosedAwaiting connections closed because they awaited an answer the old host would never send
 *     (in-flight policy {@code close}, or {@code replay} past its limit); not in {@code connectionsMoved}
 * @param bytesReplayed the unanswered bytes resent by the replayed connections
 * @param connectionsDrained of {@code connectionsMoved}, those that awaited an answer when a planned move took the
 *     role away, received it from the old host while draining, and were then re-pointed
 * @param drainMillis the longest drain among them
 */
public record ProxyReconnected(
        UUID eventId,
        Instant occurredAt,
        String roleId,
        String gatewayId,
        long epoch,
        int connectionsMoved,
        long reconnectMillis,
        long bytesBuffered,
        @OptionalField Integer connectionsIdle,
        @OptionalField Integer connectionsReplayed,
        @OptionalField Integer connectionsClosedAwaiting,
        @OptionalField Long bytesReplayed,
        @OptionalField Integer connectionsDrained,
        @OptionalField Long drainMillis) implements ProxyEvent {
    public ProxyReconnected {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("roleId", roleId);
        Ids.requireValid("gatewayId", gatewayId);
        Checks.nonNegative("epoch", epoch);
        Checks.nonNegative("connectionsMoved", connectionsMoved);
        Checks.nonNegative("reconnectMillis", reconnectMillis);
        Checks.nonNegative("bytesBuffered", bytesBuffered);
        Checks.nonNegativeIfPresent("connectionsIdle", connectionsIdle);
        Checks.nonNegativeIfPresent("connectionsReplayed", connectionsReplayed);
        Checks.nonNegativeIfPresent("connectionsClosedAwaiting", connectionsClosedAwaiting);
        Checks.nonNegativeIfPresent("bytesReplayed", bytesReplayed);
        Checks.nonNegativeIfPresent("connectionsDrained", connectionsDrained);
        Checks.nonNegativeIfPresent("drainMillis", drainMillis);
    }

    /** An event without the in-flight counts, as gateways before them published it. */
    public ProxyReconnected(UUID eventId, Instant occurredAt, String roleId, String gatewayId, long epoch,
            int connectionsMoved, long reconnectMillis, long bytesBuffered) {
        this(eventId, occurredAt, roleId, gatewayId, epoch, connectionsMoved, reconnectMillis, bytesBuffered, null,
                null, null, null, null, null);
    }
}
