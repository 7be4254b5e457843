package dev.baton.gateway.routing;

import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a role's clients are sent: the newest epoch seen for the role, the server that owns it at that epoch and,
 * once that server reported the role RUNNING at that epoch, its endpoint.
 *
 * @param epoch the newest epoch seen; -1 while {@link RouteStatus#UNKNOWN}
 * @param serverId the server that must run the role at {@code epoch}; null when unknown or unplaced
 * @param endpoint the upstream; non-null exactly when {@code status} is {@link RouteStatus#RUNNING}
 * @param movedAt when the move to {@code epoch} happened (see {@link MovedAtSource}); null while unknown
 * @param movedAtSource whose clock {@code movedAt} is on; null when {@code movedAt} is
 * @param reason why the role moved to {@code epoch}, from the placement's decision; null when the epoch was first
 *     learnt from the new host's own report
 */
public record Route(
        String roleId,
        long epoch,
        String serverId,
        Endpoint endpoint,
        RouteStatus status,
        Instant movedAt,
        MovedAtSource movedAtSource,
        MoveReason reason) {

    public Route {
        Objects.requireNonNull(roleId, "roleId");
        Objects.requireNonNull(status, "status");
        if ((endpoint != null) != (status == RouteStatus.RUNNING)) {
            throw new IllegalArgumentException("endpoint must be present exactly when the route is RUNNING");
        }
    }

    /** A role nothing is known about yet. */
    public static Route unknown(String roleId) {
        return new Route(roleId, -1, null, null, RouteStatus.UNKNOWN, null, null, null);
    }

    /** Whether clients can be sent somewhere now. */
    public boolean routable() {
        return status == RouteStatus.RUNNING;
    }

    /**
     * Whether the move to {@code epoch} was planned (maintenance or an agent's planned leave, failback, an operator's
     * move): the old host is healthy, so connections can drain from it instead of losing it.
     */
    public boolean plannedMove() {
        return reason == MoveReason.MAINTENANCE || reason == MoveReason.FAILBACK || reason == MoveReason.MANUAL;
    }

    Route withEpoch(long newEpoch, String server, RouteStatus newStatus, Endpoint newEndpoint, Instant at,
            MovedAtSource source, MoveReason why) {
        return new Route(roleId, newEpoch, server, newEndpoint, newStatus, at, source, why);
    }

    Route withStatus(RouteStatus newStatus, Endpoint newEndpoint) {
        return new Route(roleId, epoch, serverId, newEndpoint, newStatus, movedAt, movedAtSource, reason);
    }

    Route withServer(String server) {
        return new Route(roleId, epoch, server, endpoint, status, movedAt, movedAtSource, reason);
    }

    Route withMovedAt(Instant at, MovedAtSource source) {
        return new Route(roleId, epoch, serverId, endpoint, status, at, source, reason);
    }

    Route withReason(MoveReason why) {
        return new Route(roleId, epoch, serverId, endpoint, status, movedAt, movedAtSource, why);
    }

    /** e.g. {@code epoch 7 on srv-02 RUNNING at 10.0.0.2:47001}, for log lines. */
    public String describe() {
        if (status == RouteStatus.UNKNOWN) {
            return "unknown";
        }
        StringBuilder out = new StringBuilder("epoch ").append(epoch);
        if (serverId != null) {
            out.append(" on ").append(serverId);
        }
        out.append(' ').append(status);
        if (endpoint != null) {
            out.append(" at ").append(endpoint);
        }
        return out.toString();
    }
}
