package dev.baton.gateway.net;

import dev.baton.events.BatonEvent;
import dev.baton.events.GatewayHeartbeat;
import dev.baton.events.ProxyDrained;
import dev.baton.events.RoleDraining;
import dev.baton.gateway.GatewayMetrics;
import dev.baton.gateway.GatewaySettings;
import dev.baton.gateway.RoleRoute;
import dev.baton.gateway.connection.ClientConnectionState;
import dev.baton.gateway.connection.InFlightPolicy;
import dev.baton.gateway.routing.ListenerPlan;
import dev.baton.gateway.routing.Route;
import dev.baton.gateway.routing.RouteTable;
import dev.baton.gateway.routing.RouteUpdate;
import dev.baton.gateway.http.GatewayHttpApi;
import dev.baton.runtime.http.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's data and routing plane, confined to one event loop: the {@link RouteTable}, every role's listener
 * and every client connection. Routing events arrive from the Kafka thread through {@link #dispatch}, which hops
 * onto this verticle's context, so the table and the sockets are only ever touched from one thread and need no
 * locks.
 *
 * <p>One event loop carries every connection. It is the simple choice for a handful of roles; the path to more
 * cores is one such verticle per group of roles, each with its own slice of the table.
 */
public final class GatewayVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
    /** How often the gateway tells the placement it is alive (planned moves wait for live gateways' drains). */
    private static final long HEARTBEAT_INTERVAL_MS = 500;

    private final GatewaySettings settings;
    private final GatewayMetrics metrics;
    private final ProxyEventSink sink;
    private final Clock clock;
    private final PrometheusMeterRegistry registry;
    private final Map<String, RoleProxy> roles = new LinkedHashMap<>();
    private final Map<String, Integer> boundPorts = new ConcurrentHashMap<>();
    private RouteTable table;
    private volatile ConfiguredListeners configured;
    private volatile boolean listening;
    private volatile boolean assignmentsRead;
    private volatile boolean configRead;

    private volatile int httpPort = -1;

    public GatewayVerticle(GatewaySettings settings, PrometheusMeterRegistry registry, GatewayMetrics metrics,
            ProxyEventSink sink, Clock clock) {
        this.settings = settings;
        this.registry = registry;
        this.metrics = metrics;
        this.sink = sink;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        table = RouteTable.everyRole(settings.routes().stream().map(RoleRoute::roleId).toList());
        NetClientOptions clientOptions = new NetClientOptions()
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true);
        RoleProxy.Shared shared = new RoleProxy.Shared(vertx, vertx.createNetClient(clientOptions),
                settings.switchPolicy(), settings.switchBufferBytes(), settings.writeQueueBytes(),
                settings.connectTimeout().toMillis(),
                settings.gatewayId(), sink, clock);
        List<Future<Integer>> bound = new ArrayList<>();
        for (RoleRoute route : settings.routes()) {
            RoleProxy role = new RoleProxy(route, table.route(route.roleId()), shared, metrics.role(route.roleId()));
            roles.put(route.roleId(), role);
            bound.add(role.listen(settings.listenHost()).onSuccess(port -> boundPorts.put(route.roleId(), port)));
        }
        Map<String, Integer> staticPorts = new LinkedHashMap<>();
        settings.routes().forEach(route -> staticPorts.put(route.roleId(), route.port()));
        ListenerPlan plan = new ListenerPlan(staticPorts);
        Function<String, InFlightPolicy> inFlightOf =
                roleId -> plan.inFlightPolicy(roleId, settings.inFlight(), settings.switchBufferBytes());
        configured = new ConfiguredListeners(context, plan, roles, boundPorts, settings.listenHost(),
                (roleId, port) -> new RoleProxy(new RoleRoute(roleId, port, null, inFlightOf.apply(roleId)),
                        table.route(roleId), shared, metrics.role(roleId)), inFlightOf);
        Router router = GatewayHttpApi.router(vertx, GatewaySettings.SERVICE, settings.apiToken(), registry,
                this::readiness, this::routesJson);
        Future<?> http = vertx.createHttpServer().requestHandler(router)
                .listen(settings.httpPort(), settings.httpHost())
                .onSuccess(server -> httpPort = server.actualPort());
        String incarnation = UUID.randomUUID().toString();
        AtomicLong sequence = new AtomicLong();
        vertx.setPeriodic(0, HEARTBEAT_INTERVAL_MS, id -> sink.heartbeat(new GatewayHeartbeat(UUID.randomUUID(),
                clock.instant(), settings.gatewayId(), incarnation, sequence.getAndIncrement(),
                settings.switchPolicy().drainTimeout().toMillis())));
        List<Future<?>> all = new ArrayList<>(bound);
        all.add(http);
        return Future.all(all).onSuccess(done -> {
            listening = true;
            LOG.info("Gateway {} listening: {}; admin and metrics on {}:{}", settings.gatewayId(), listenersText(),
                    settings.httpHost(), httpPort);
        });
    }

    @Override
    public Future<?> stop() {
        roles.values().forEach(RoleProxy::shutdown);
        return Future.succeededFuture();
    }

    /** Hands routing events to the event loop, in order. Any thread. */
    public void dispatch(List<BatonEvent> events) {
        context.runOnContext(v -> onEvents(events));
    }

    /** Records, after the events dispatched before it, that the assignments were read to their end. Any thread. */
    public void dispatchAssignmentsRead() {
        context.runOnContext(v -> {
            if (!assignmentsRead) {
                assignmentsRead = true;
                StringBuilder known = new StringBuilder();
                table.routes().forEach(route -> known.append(known.length() == 0 ? "" : "; ").append(route.roleId())
                        .append(' ').append(route.describe()));
                LOG.info("Role assignments read to their end; routes: {}", known);
            }
        });
    }

    /** Hands the gateway ports read from the roles' configuration to the event loop, in order. Any thread. */
    public void dispatchGatewayPorts(List<ListenerPlan.RolePort> ports) {
        context.runOnContext(v -> configured.apply(ports));
    }

    /**
     * Records, after the ports dispatched before it, that the configuration was read to its end, once the listeners
     * it asks for are open (or failed): a ready gateway listens for every configured role. Any thread.
     */
    public void dispatchConfigRead() {
        context.runOnContext(v -> configured.whenSettled(() -> {
            if (!configRead) {
                configRead = true;
                LOG.info("Role configuration read to its end; listeners: {}{}", listenersText(),
                        configured.problems().isEmpty() ? "" : "; without a listener: " + configured.problems());
            }
        }));
    }

    private String listenersText() {
        StringBuilder ports = new StringBuilder();
        roles.values().forEach(role -> ports.append(ports.length() == 0 ? "" : ", ").append(role.roleId())
                .append(" on ").append(settings.listenHost()).append(':').append(role.actualPort()));
        return ports.toString();
    }

    private void onEvents(List<BatonEvent> events) {
        for (BatonEvent event : events) {
            if (event instanceof RoleDraining drain) {
                RoleProxy role = roles.get(drain.roleId());
                if (role != null) {
                    role.onDrain(drain);
                } else {
                    // No listener for the role here, so no client to drain: nothing to wait for either.
                    sink.publish(new ProxyDrained(UUID.randomUUID(), clock.instant(), drain.roleId(),
                            settings.gatewayId(), drain.epoch(), 0, 0, 0, 0));
                }
                continue;
            }
            RouteUpdate update = table.apply(event, clock.instant());
            RoleProxy role = update instanceof RouteUpdate.Ignored ? null : roles.get(roleOf(update));
            if (role != null) {
                log(update);
                role.onRouteUpdate(update);
            } else if (update instanceof RouteUpdate.Ignored) {
                log(update);
            } else {
                // The table follows roles without a listener too (one may open later): their moves are not news here.
                LOG.debug("{}", update.why());
            }
        }
    }

    private static String roleOf(RouteUpdate update) {
        if (update instanceof RouteUpdate.Changed changed) {
            return changed.after().roleId();
        }
        if (update instanceof RouteUpdate.Unchanged unchanged) {
            return unchanged.route().roleId();
        }
        if (update instanceof RouteUpdate.Stale stale) {
            return stale.route().roleId();
        }
        return ((RouteUpdate.Ignored) update).roleId();
    }

    private static void log(RouteUpdate update) {
        if (update instanceof RouteUpdate.Changed || update instanceof RouteUpdate.Stale) {
            LOG.info("{}", update.why());
        } else if (update instanceof RouteUpdate.Ignored ignored && ignored.suspicious()) {
            LOG.warn("{}", update.why());
        } else {
            LOG.debug("{}", update.why());
        }
    }

    /**
     * Ready once every static route's port is bound and the assignments and the roles' configuration were read to
     * their end. A role whose configured port could not be bound is listed with the reason but does not make the
     * gateway unready: its other roles are served. Any thread.
     */
    public Readiness readiness() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("gatewayId", settings.gatewayId());
        details.put("listening", listening);
        details.put("assignmentsRead", assignmentsRead);
        details.put("configRead", configRead);
        ConfiguredListeners listeners = configured;
        Map<String, String> problems = listeners == null ? Map.of() : listeners.problems();
        if (!problems.isEmpty()) {
            details.put("listenerProblems", problems);
        }
        return listening && assignmentsRead && configRead ? Readiness.ready(details) : Readiness.notReady(details);
    }

    /** The port of the admin server, or -1 before it is bound. Any thread. */
    public int httpPort() {
        return httpPort;
    }

    /** Whether every role port is bound. Any thread. */
    public boolean listening() {
        return listening;
    }

    /** Whether the assignment topic was read to its end once since start. Any thread. */
    public boolean assignmentsRead() {
        return assignmentsRead;
    }

    /** The port {@code roleId} listens on, or null before it is bound. Any thread. */
    public Integer port(String roleId) {
        return boundPorts.get(roleId);
    }

    /** The routes as the admin API shows them. Call on this verticle's event loop only. */
    public JsonArray routesJson() {
        JsonArray out = new JsonArray();
        for (RoleProxy role : roles.values()) {
            Route route = role.route();
            int switching = 0;
            int forwarding = 0;
            int connecting = 0;
            int draining = 0;
            // Counted from the connections themselves rather than the gauges: the answer is one consistent snapshot.
            for (ClientConnectionState state : role.states()) {
                if (state instanceof ClientConnectionState.Switching) {
                    switching++;
                } else if (state instanceof ClientConnectionState.Forwarding) {
                    forwarding++;
                } else if (state instanceof ClientConnectionState.Connecting) {
                    connecting++;
                } else if (state instanceof ClientConnectionState.Draining) {
                    draining++;
                }
            }
            out.add(new JsonObject()
                    .put("roleId", role.roleId())
                    .put("port", role.actualPort() < 0 ? null : role.actualPort())
                    .put("problem", configured.problem(role.roleId()))
                    .put("epoch", route.epoch() < 0 ? null : route.epoch())
                    .put("server", route.serverId())
                    .put("upstream", route.endpoint() == null ? null : route.endpoint().toString())
                    .put("state", route.status().name())
                    .put("inFlight", role.inFlightPolicy().toString())
                    .put("openConnections", connecting + forwarding + draining + switching)
                    .put("connections", new JsonObject()
                            .put("connecting", connecting)
                            .put("forwarding", forwarding)
                            .put("draining", draining)
                            .put("switching", switching))
                    .put("bufferedBytes", role.meters().bufferedBytes()));
        }
        return out;
    }
}
