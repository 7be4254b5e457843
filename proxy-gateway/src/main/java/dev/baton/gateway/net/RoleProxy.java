package dev.baton.gateway.net;

import dev.baton.events.ProxyDrained;
import dev.baton.events.ProxyReconnectFailed;
import dev.baton.events.ProxyReconnected;
import dev.baton.events.RoleDraining;
import dev.baton.gateway.GatewayMetrics.RoleMeters;
import dev.baton.gateway.RoleRoute;
import dev.baton.gateway.connection.ClientConnectionState;
import dev.baton.gateway.connection.ConnectionMachine;
import dev.baton.gateway.connection.InFlightPolicy;
import dev.baton.gateway.connection.SwitchCause;
import dev.baton.gateway.connection.SwitchLedger;
import dev.baton.gateway.connection.SwitchPolicy;
import dev.baton.gateway.routing.Route;
import dev.baton.gateway.routing.RouteUpdate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One role's listener and client connections: accepts clients on the role's port, hands every route change to each
 * connection, and turns the outcome of each move into one ProxyReconnected / ProxyReconnectFailed.
 */
final class RoleProxy {
    private static final Logger LOG = LoggerFactory.getLogger(RoleProxy.class);

    private final RoleRoute config;
    private final Shared shared;
    private final RoleMeters meters;
    private final SwitchLedger ledger;
    private final Set<ClientConnection> connections = new LinkedHashSet<>();
    private Route route;
    private NetServer server;
    /** The epoch the placement drains the role from, until the move; -1 when no drain is under way. */
    private long drainingEpoch = -1;
    private long drainSince;
    private int drainConnections;
    private int drainAwaiting;
    private int drainTimedOut;
    private ProxyDrained drainReport;
    /** The in-flight policy of connections accepted from now on; the role's configuration may change it. */
    private InFlightPolicy inFlight;

    /** What every role of one gateway shares. */
    record Shared(Vertx vertx, NetClient netClient, SwitchPolicy policy, int holdLimit, int writeQueueBytes,
            long closeGraceMillis, String gatewayId, ProxyEventSink sink, Clock clock) {
    }

    RoleProxy(RoleRoute config, Route initial, Shared shared, RoleMeters meters) {
        this.config = config;
        this.inFlight = config.inFlight();
        this.route = initial;
        this.shared = shared;
        this.meters = meters;
        // Connections closed for awaiting an answer count towards the move that follows within the switch timeout.
        this.ledger = new SwitchLedger(config.roleId(), shared.policy().switchTimeout().toMillis());
    }

    /** Binds the role's configured port on {@code host}; completes with the port bound. */
    Future<Integer> listen(String host) {
        return listen(host, config.port());
    }

    /**
     * Binds {@code port} on {@code host} (the port of the role's configuration, which may differ from the one it was
     * created with); completes with the port bound. Call without a listener only.
     */
    Future<Integer> listen(String host, int port) {
        NetServerOptions options = new NetServerOptions().setTcpNoDelay(true).setTcpKeepAlive(true);
        return shared.vertx().createNetServer(options)
                .connectHandler(this::accept)
                .listen(port, host)
                .map(bound -> {
                    server = bound;
                    return bound.actualPort();
                });
    }

    /** Stops accepting clients on the role's port; completes once the port is released. */
    Future<Void> closeListener() {
        NetServer current = server;
        server = null;
        return current == null ? Future.succeededFuture() : current.close();
    }

    private void accept(NetSocket socket) {
        ConnectionMachine machine = new ConnectionMachine(shared.policy(), inFlight);
        ClientConnection connection = new ClientConnection(this, socket, machine, meters);
        connections.add(connection);
        connection.start(route, drainingEpoch);
    }

    /** Applies a decision of the route table to this role. */
    void onRouteUpdate(RouteUpdate update) {
        if (update instanceof RouteUpdate.Changed changed) {
            route = changed.after();
            if (changed.moved()) {
                long movedAt = route.movedAt() != null ? route.movedAt().toEpochMilli() : wallMillis();
                report(ledger.moved(route.epoch(), movedAt));
            }
            for (ClientConnection connection : List.copyOf(connections)) {
                connection.onRoute(route);
            }
            if (drainingEpoch >= 0 && route.epoch() > drainingEpoch) {
                drainingEpoch = -1;
                drainReport = null;
            }
            report(ledger.settle());
        } else if (update instanceof RouteUpdate.Unchanged unchanged) {
            route = unchanged.route();
            if (route.movedAt() != null) {
                ledger.refineMovedAt(route.epoch(), route.movedAt().toEpochMilli());
            }
        } else if (update instanceof RouteUpdate.Stale) {
            meters.staleEvent();
        }
    }

    /**
     * The placement drains the role from its host before a planned move: every connection leaves that host (new
     * client bytes are held; one that awaits an answer first drains), and once none drains any more this gateway
     * reports ProxyDrained. A repeated request (a new placement leader) gets the same report again.
     */
    void onDrain(RoleDraining drain) {
        if (route.epoch() > drain.epoch()) {
            LOG.info("{}: drain of epoch {} requested, but the role is at epoch {} already: nothing to drain",
                    roleId(), drain.epoch(), route.epoch());
            shared.sink().publish(new ProxyDrained(UUID.randomUUID(), shared.clock().instant(), roleId(),
                    shared.gatewayId(), drain.epoch(), 0, 0, 0, 0));
            return;
        }
        if (route.epoch() < drain.epoch()) {
            LOG.warn("{}: drain of epoch {} requested while this gateway knows epoch {} only; ignored", roleId(),
                    drain.epoch(), route.epoch());
            return;
        }
        if (drainingEpoch == drain.epoch()) {
            if (drainReport != null) {
                shared.sink().publish(drainReport);
            }
            return;
        }
        drainingEpoch = drain.epoch();
        drainSince = now();
        drainConnections = connections.size();
        drainAwaiting = 0;
        drainTimedOut = 0;
        LOG.info("{}: draining {} connection(s) from {} (epoch {}) before its {} move to {}; new client bytes are"
                + " held", roleId(), drainConnections, drain.from(), drain.epoch(), drain.reason(), drain.to());
        for (ClientConnection connection : List.copyOf(connections)) {
            if (connection.onDrain(drain.epoch())) {
                drainAwaiting++;
            }
        }
        checkDrain();
    }

    /** A draining connection reached its drain timeout with its answer still owed. */
    void drainTimedOut() {
        drainTimedOut++;
    }

    /** Reports the drain once no connection drains from the old host any more. */
    void checkDrain() {
        if (drainingEpoch < 0 || drainReport != null) {
            return;
        }
        for (ClientConnection connection : connections) {
            if (connection.state() instanceof ClientConnectionState.Draining) {
                return;
            }
        }
        long millis = drainAwaiting == 0 ? 0 : Math.max(0, now() - drainSince);
        drainReport = new ProxyDrained(UUID.randomUUID(), shared.clock().instant(), roleId(), shared.gatewayId(),
                drainingEpoch, drainConnections, drainAwaiting, drainTimedOut, millis);
        LOG.info("{}: drained from epoch {} in {} ms: {} connection(s) off the old host, {} awaited an answer, {} of"
                + " them timed out; waiting for the move", roleId(), drainingEpoch, millis, drainConnections,
                drainAwaiting, drainTimedOut);
        meters.drained(millis);
        shared.sink().publish(drainReport);
    }

    /** Logs and publishes what became of a round of switches. */
    void report(List<SwitchLedger.Report> reports) {
        for (SwitchLedger.Report report : reports) {
            SwitchLedger.Outcomes outcomes = report.outcomes();
            if (report.cause() == SwitchCause.MOVE && (report.moved() > 0 || outcomes.closedAwaiting() > 0)) {
                LOG.info("{}: re-pointed {} connection(s) to epoch {} ({}), first forwarding {} ms after the move;"
                        + " {} bytes held meanwhile; in flight: {} idle, {} drained (longest {} ms), {} replayed ({}"
                        + " bytes), {} re-pointed awaiting, {} closed awaiting", roleId(), report.moved(),
                        report.epoch(), route.describe(), report.reconnectMillis(), report.bytesBuffered(),
                        outcomes.idle(), outcomes.drained(), outcomes.drainMillis(), outcomes.replayed(),
                        outcomes.bytesReplayed(), outcomes.repointedAwaiting(), outcomes.closedAwaiting());
                shared.sink().publish(new ProxyReconnected(UUID.randomUUID(), shared.clock().instant(), roleId(),
                        shared.gatewayId(), report.epoch(), report.moved(), Math.max(0, report.reconnectMillis()),
                        report.bytesBuffered(), outcomes.idle(), outcomes.replayed(), outcomes.closedAwaiting(),
                        outcomes.bytesReplayed(), outcomes.drained(), outcomes.drainMillis()));
            } else if (report.moved() > 0 || outcomes.closedAwaiting() > 0) {
                LOG.info("{}: after their upstream was lost at epoch {}: reconnected {} connection(s) ({} bytes held"
                        + " meanwhile, {} replayed), closed {} that awaited an answer", roleId(), report.epoch(),
                        report.moved(), report.bytesBuffered(), outcomes.replayed(), outcomes.closedAwaiting());
            }
            if (report.closed() > 0) {
                LOG.warn("{}: closed {} connection(s) that could not follow epoch {}: {}", roleId(), report.closed(),
                        report.epoch(), report.failureReason());
                shared.sink().publish(new ProxyReconnectFailed(UUID.randomUUID(), shared.clock().instant(), roleId(),
                        shared.gatewayId(), report.epoch(), report.closed(), report.failureReason()));
            }
        }
    }

    /** The state of every open connection. */
    List<ClientConnectionState> states() {
        return connections.stream().map(ClientConnection::state).toList();
    }

    void removed(ClientConnection connection) {
        connections.remove(connection);
    }

    /** Closes every client connection; the gateway is stopping. */
    void shutdown() {
        List.copyOf(connections).forEach(ClientConnection::shutdown);
    }

    String roleId() {
        return config.roleId();
    }

    int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    Route route() {
        return route;
    }

    SwitchLedger ledger() {
        return ledger;
    }

    RoleMeters meters() {
        return meters;
    }

    byte[] preamble() {
        return config.preamble();
    }

    InFlightPolicy inFlightPolicy() {
        return inFlight;
    }

    /** Sets the in-flight policy of connections accepted from now on (open ones keep theirs). On the event loop. */
    void inFlightPolicy(InFlightPolicy policy) {
        this.inFlight = java.util.Objects.requireNonNull(policy, "policy");
    }

    int holdLimit() {
        return shared.holdLimit();
    }

    int writeQueueBytes() {
        return shared.writeQueueBytes();
    }

    long closeGraceMillis() {
        return shared.closeGraceMillis();
    }

    Vertx vertx() {
        return shared.vertx();
    }

    NetClient netClient() {
        return shared.netClient();
    }

    /** Monotonic milliseconds, for timeouts and durations. */
    long now() {
        return System.nanoTime() / 1_000_000;
    }

    /** Wall-clock milliseconds, comparable with the placement's {@code occurredAt}. */
    long wallMillis() {
        return shared.clock().millis();
    }
}
