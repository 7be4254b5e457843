package dev.baton.gateway.net;

import dev.baton.gateway.connection.InFlightPolicy;
import dev.baton.gateway.routing.ListenerPlan;
import io.vertx.core.Context;
import io.vertx.core.Future;
import dev.baton.gateway.connection.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens, moves and closes the listeners of roles whose port comes from their configuration, as {@link ListenerPlan}
 * decides, on the gateway's event loop. Binding and closing are asynchronous: one round of changes runs at a time,
 * and configuration read meanwhile starts another round once it is done, so the event loop never waits for a port.
 *
 * <p>A role that gets no listener (its port taken by another role, or the bind failed) keeps a {@link RoleProxy}
 * without a listener, so the routes API shows it with the reason; the reason is logged once per change. A failed
 * bind is tried again with back-off (1 s, doubling up to 30 s; the reason says when and how often), and at the next
 * change of any role's configuration.
 */
final class ConfiguredListeners {
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredListeners.class);
    private static final Backoff BIND_RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private final Context context;
    private final ListenerPlan plan;
    private final Map<String, RoleProxy> roles;
    private final Map<String, Integer> boundPorts;
    private final String host;
    private final BiFunction<String, Integer, RoleProxy> newRole;
    private final Function<String, InFlightPolicy> inFlightOf;
    /** Configuration-driven listeners open or being opened: roleId → port. */
    private final Map<String, Integer> open = new TreeMap<>();
    /** Why a role with a configured port has no listener; read by the health and routes answers. */
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    private final List<Runnable> whenSettled = new ArrayList<>();
    /** Failed binds in a row per role, for the back-off of the next attempt. */
    private final Map<String, Integer> bindFailures = new HashMap<>();
    private boolean running;
    private boolean again;

    /**
     * @param context the gateway's verticle context, which every step runs on (a closed server completes its future
     *     on another thread, and a server created from there would serve its clients there)
     * @param roles the gateway's listeners by role, static ones included; roles are added and removed here
     * @param boundPorts the bound port of each listening role, for other threads
     * @param newRole creates the proxy of a role and the port its configuration gives it
     * @param inFlightOf the in-flight policy of a role listening on its configured port, as its configuration says
     */
    ConfiguredListeners(Context context, ListenerPlan plan, Map<String, RoleProxy> roles,
            Map<String, Integer> boundPorts, String host, BiFunction<String, Integer, RoleProxy> newRole,
            Function<String, InFlightPolicy> inFlightOf) {
        this.context = context;
        this.plan = plan;
        this.roles = roles;
        this.boundPorts = boundPorts;
        this.host = host;
        this.newRole = newRole;
        this.inFlightOf = inFlightOf;
    }

    /** Folds configuration read from Kafka and starts a round of changes if anything changed. */
    void apply(List<ListenerPlan.RolePort> ports) {
        boolean changed = false;
        for (ListenerPlan.RolePort port : ports) {
            if (plan.configure(port)) {
                changed = true;
                if (plan.isStatic(port.roleId()) && port.port() != null) {
                    LOG.info("{}: configured gateway port {} ignored: the static route in 'routes' wins",
                            port.roleId(), port.port());
                }
            }
            followInFlightPolicy(port.roleId());
        }
        if (changed) {
            reconcile();
        }
    }

    /** Gives an open configured listener its role's current in-flight policy, for the connections it accepts next. */
    private void followInFlightPolicy(String roleId) {
        RoleProxy role = roles.get(roleId);
        if (role == null || plan.isStatic(roleId)) {
            return;
        }
        InFlightPolicy policy = inFlightOf.apply(roleId);
        if (!policy.equals(role.inFlightPolicy())) {
            LOG.info("{}: in-flight policy now {} (from its configuration) for new connections", roleId, policy);
            role.inFlightPolicy(policy);
        }
    }

    /** Runs {@code action} once no round of changes is running: every listener asked for so far is open or failed. */
    void whenSettled(Runnable action) {
        if (running) {
            whenSettled.add(action);
        } else {
            action.run();
        }
    }

    /** Why {@code roleId} has no listener, or null. Any thread. */
    String problem(String roleId) {
        return problems.get(roleId);
    }

    /** Every role with a configured port but no listener, with the reason. Any thread. */
    Map<String, String> problems() {
        return new TreeMap<>(problems);
    }

    private void reconcile() {
        if (running) {
            again = true;
            return;
        }
        ListenerPlan.Changes changes = plan.changes(open);
        changes.refused().forEach(this::problem);
        if (changes.none()) {
            dropUnconfigured();
            return;
        }
        running = true;
        List<Future<?>> closed = new ArrayList<>();
        changes.close().forEach((roleId, port) -> {
            open.remove(roleId);
            boundPorts.remove(roleId);
            RoleProxy role = roles.get(roleId);
            LOG.info("{}: closing its listener on {}:{} ({})", roleId, host, port,
                    changes.open().containsKey(roleId) ? "moving to port " + changes.open().get(roleId)
                            : "no gateway port in its configuration any more");
            closed.add(role.closeListener());
        });
        Future.join(closed).onComplete(allClosed -> context.runOnContext(v -> {
            dropUnconfigured();
            Future.join(openAll(changes.open())).onComplete(allOpened -> context.runOnContext(w -> finished()));
        }));
    }

    private void finished() {
        running = false;
        if (again) {
            again = false;
            reconcile();
        }
        if (!running) {
            List<Runnable> settled = List.copyOf(whenSettled);
            whenSettled.clear();
            settled.forEach(Runnable::run);
        }
    }

    private List<Future<Integer>> openAll(Map<String, Integer> toOpen) {
        List<Future<Integer>> bound = new ArrayList<>();
        toOpen.forEach((roleId, port) -> {
            RoleProxy role = roles.computeIfAbsent(roleId, id -> newRole.apply(id, port));
            open.put(roleId, port);
            bound.add(role.listen(host, port).onComplete(result -> context.runOnContext(v -> {
                if (result.succeeded()) {
                    problems.remove(roleId);
                    bindFailures.remove(roleId);
                    boundPorts.put(roleId, result.result());
                    LOG.info("{}: listening on {}:{} (the gateway port of its configuration)", roleId, host, port);
                } else {
                    open.remove(roleId);
                    int failures = bindFailures.merge(roleId, 1, Integer::sum);
                    long retryIn = BIND_RETRY.delayMillis(failures);
                    problem(roleId, "cannot listen on " + host + ":" + port + ": " + result.cause().getMessage()
                            + " (attempt " + failures + ", next in " + retryIn + " ms)");
                    context.owner().setTimer(retryIn, t -> context.runOnContext(w -> reconcile()));
                }
            })));
        });
        return bound;
    }

    /** Records why a role has no listener; logs it when the reason is new. */
    private void problem(String roleId, String reason) {
        roles.computeIfAbsent(roleId, id -> newRole.apply(id, plan.configuredPort(id)));
        if (!reason.equals(problems.put(roleId, reason))) {
            LOG.warn("{}: no listener: {}", roleId, reason);
        }
    }

    /** Removes the roles that lost their configured port, closing their client connections. */
    private void dropUnconfigured() {
        for (String roleId : List.copyOf(roles.keySet())) {
            if (!plan.isStatic(roleId) && plan.configuredPort(roleId) == null && !open.containsKey(roleId)) {
                problems.remove(roleId);
                RoleProxy role = roles.remove(roleId);
                role.shutdown();
                LOG.info("{}: removed (no gateway port in its configuration)", roleId);
            }
        }
    }
}
