package dev.baton.agent;

import dev.baton.agent.kafka.KafkaAssignmentReader;
import dev.baton.agent.kafka.KafkaEventPublisher;
import dev.baton.agent.kafka.KafkaHeartbeatPublisher;
import dev.baton.agent.plugin.PluginHost;
import dev.baton.agent.supervisor.Action;
import dev.baton.agent.supervisor.DatabaseTarget;
import dev.baton.agent.supervisor.Lease;
import dev.baton.agent.supervisor.RoleSupervisor;
import dev.baton.events.Endpoint;
import dev.baton.events.EventCodec;
import dev.baton.events.HostedRole;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.Topic;
import dev.baton.runtime.http.OpsEndpoints;
import dev.baton.runtime.http.Readiness;
import dev.baton.runtime.kafka.TopicBootstrap;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat-agent of one server: heartbeats, follows assignments, runs the assigned roles' plugins, fences
 * itself when its lease runs out, and leaves on purpose ({@link #leave()}) without cutting clients off.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>{@code agent-loop}: the only thread that touches the {@link RoleSupervisor}. Every input (events read,
 *       plugin outcomes, lease changes, the leave) is queued to it; it asks the supervisor and carries out the
 *       answer (start or stop a plugin, publish a state change) without blocking, then publishes a snapshot of the
 *       hosted roles that the heartbeat reads.</li>
 *   <li>{@code heartbeat} ({@link KafkaHeartbeatPublisher}), {@code lease} (checks the {@link Lease} every
 *       {@value #LEASE_CHECK_MILLIS} ms), {@code assignment-reader} ({@link KafkaAssignmentReader}),
 *       {@code event-publisher} ({@link KafkaEventPublisher}), {@code db-check} ({@link DatabaseProbe}), one
 *       {@code plugin-<roleId>} per running plugin ({@link PluginHost}), and one Vert.x event loop for
 *       {@code /health} and {@code /metrics}.</li>
 * </ul>
 * Nothing that waits on Kafka, a plugin or a database runs on the loop or the lease thread, so a fence is decided
 * and carried out within one lease check of the lease running out, whatever else is stuck.
 */
public final class HeartbeatAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatAgent.class);
    private static final long LEASE_CHECK_MILLIS = AgentSettings.LEASE_CHECK_INTERVAL.toMillis();
    private static final Duration TICK = Duration.ofMillis(100);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(5);

    /** One input of the loop: a question to the supervisor at a given time. */
    @FunctionalInterface
    private interface Input {
        List<Action> ask(RoleSupervisor supervisor, Instant now);
    }

    /** What the other threads read of the supervisor, replaced after every input. */
    private record Snapshot(List<HostedRole> roles, List<DatabaseTarget> databases, Map<RoleState, Integer> counts,
            boolean caughtUp) {
    }

    private final AgentSettings settings;
    private final Clock clock;
    private final String incarnation = UUID.randomUUID().toString();
    private final RoleSupervisor supervisor;
    private final Lease lease;
    private final PrometheusMeterRegistry registry;
    private final AgentMetrics metrics;
    private final KafkaEventPublisher events;
    private final PluginHost plugins;
    private final KafkaHeartbeatPublisher heartbeats;
    private final KafkaAssignmentReader reader;
    private final DatabaseProbe databases;
    private final BlockingQueue<Input> inputs = new LinkedBlockingQueue<>();
    private final Thread loop;
    private final Thread starter;
    private final ScheduledExecutorService leaseChecker;
    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> leaveDone = new CompletableFuture<>();
    private final CompletableFuture<Void> idle = new CompletableFuture<>();
    private final AtomicBoolean leaveStarted = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Snapshot snapshot = new Snapshot(List.of(), List.of(), Map.of(), false);
    private volatile boolean running = true;
    private volatile boolean leaving;
    private volatile boolean everAcquired;
    private volatile boolean shuttingDown;
    private Vertx vertx;
    private HttpServer http;

    private HeartbeatAgent(AgentSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.supervisor = new RoleSupervisor(settings.serverId(), new RoleSupervisor.Timing(
                settings.pluginStopGrace(), settings.fenceStopGrace(), settings.leaveTimeout()));
        this.lease = new Lease(settings.lease());
        this.registry = OpsEndpoints.newRegistry(AgentSettings.SERVICE);
        this.metrics = new AgentMetrics(registry, () -> lease.remaining(System.nanoTime()).toMillis(),
                () -> fenced() ? 1 : 0, () -> snapshot.counts());
        EventCodec codec = new EventCodec();
        this.events = new KafkaEventPublisher(settings.kafka(), codec, clock,
                AgentSettings.SERVICE + "-" + settings.serverId());
        this.plugins = new PluginHost(new PluginHost.Settings(settings.serverId(), settings.advertisedHost(),
                settings.pluginWorkDir(), settings.pluginStartTimeout(), settings.pluginCheckInterval(),
                settings.pluginStopGrace()), new PluginHost.Deadlines(this::pluginDeadline, settings.fenceStopGrace()),
                new PluginOutcomes());
        this.heartbeats = new KafkaHeartbeatPublisher(settings.kafka(),
                new KafkaHeartbeatPublisher.Identity(settings.serverId(), incarnation, settings.advertisedHost(),
                        settings.kind()),
                settings.heartbeatInterval(), settings.lease(), this::heartbeatContent, new HeartbeatOutcomes(), clock);
        this.reader = new KafkaAssignmentReader(settings.kafka(), codec, events,
                (read, caughtUp) -> submit((s, now) -> s.onEvents(read, caughtUp, now)));
        this.databases = new DatabaseProbe(settings.dbCheckInterval(), () -> snapshot.databases());
        this.loop = new Thread(this::runLoop, "agent-loop");
        // Not a daemon: the loop is what keeps the agent's JVM alive once main() returned.
        this.loop.setDaemon(false);
        this.starter = new Thread(this::connect, "agent-start");
        this.starter.setDaemon(true);
        this.leaseChecker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "lease");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts an agent with the system clock. */
    public static HeartbeatAgent start(AgentSettings settings) {
        return start(settings, Clock.systemUTC());
    }

    /**
     * Starts the agent: the health and metrics endpoints at once (failing if the port is taken), then, in the
     * background, makes sure the topics exist and begins heartbeating and reading assignments. Returns without
     * waiting for Kafka: an agent started before its broker keeps trying and is not ready until its first heartbeat
     * is acknowledged.
     */
    public static HeartbeatAgent start(AgentSettings settings, Clock clock) {
        HeartbeatAgent agent = new HeartbeatAgent(settings, clock);
        try {
            agent.startHttp();
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        agent.loop.start();
        agent.leaseChecker.scheduleAtFixedRate(agent::checkLease, LEASE_CHECK_MILLIS, LEASE_CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
        agent.starter.start();
        LOG.info("Agent of {} started: incarnation {}, advertised host {}, lease {} ms (placement failure timeout {}"
                        + " ms, fenced roles get {} ms to stop), health and metrics on port {}", settings.serverId(),
                agent.incarnation, settings.advertisedHost(), settings.lease().toMillis(),
                settings.placementFailureTimeout().toMillis(), settings.fenceStopGrace().toMillis(), agent.httpPort());
        return agent;
    }

    private void startHttp() {
        vertx = Vertx.vertx(new VertxOptions()
                // Two endpoints scraped now and then: one event loop and tiny pools keep the footprint small.
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        Router router = Router.router(vertx);
        OpsEndpoints.mount(router, AgentSettings.SERVICE, registry, this::readiness);
        try {
            http = vertx.createHttpServer().requestHandler(router)
                    .listen(settings.httpPort(), settings.httpHost())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot listen on " + settings.httpHost() + ":" + settings.httpPort()
                    + " for health and metrics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("health and metrics endpoint did not start within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the health endpoint", e);
        }
    }

    /** Topics first (so nothing is auto-created with the wrong settings), then heartbeats and the reader. */
    private void connect() {
        List<Topic> topics = List.of(Topic.HEARTBEATS, Topic.ROLE_EVENTS, Topic.ROLE_ASSIGNMENTS,
                Topic.CONFIG_EVENTS, Topic.DEAD_LETTERS);
        long attempts = 0;
        while (running) {
            try {
                TopicBootstrap.ensure(settings.kafka(), topics, TOPIC_TIMEOUT);
                break;
            } catch (RuntimeException e) {
                if (attempts++ % 12 == 0) {
                    LOG.warn("Kafka at {} not usable yet ({}); retrying", settings.kafka().bootstrapServers(),
                            e.getMessage());
                }
                try {
                    // A back-off between attempts to reach the broker, not a wait for a condition.
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
        if (!running) {
            return;
        }
        heartbeats.start();
        reader.start();
        databases.start();
    }

    // ------------------------------------------------------------------------------------------------ the loop

    private void submit(Input input) {
        inputs.add(input);
    }

    private void runLoop() {
        Instant lastTick = clock.instant();
        while (running) {
            try {
                Input input = inputs.poll(TICK.toMillis(), TimeUnit.MILLISECONDS);
                Instant now = clock.instant();
                List<Action> actions = new ArrayList<>();
                if (input != null) {
                    actions.addAll(input.ask(supervisor, now));
                }
                if (!now.isBefore(lastTick.plus(TICK))) {
                    lastTick = now;
                    actions.addAll(supervisor.onTick(now));
                }
                actions.forEach(action -> carryOut(action, now));
                snapshot = new Snapshot(supervisor.hostedRoles(), supervisor.databaseTargets(),
                        supervisor.countByState(), supervisor.caughtUp());
                if (supervisor.leaveComplete()) {
                    leaveDone.complete(null);
                }
                if (shuttingDown && supervisor.idle()) {
                    idle.complete(null);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The loop must survive anything: it is what stops roles when the lease runs out.
                LOG.error("Agent loop: {}", e.toString(), e);
            }
        }
    }

    private void carryOut(Action action, Instant now) {
        if (action instanceof Action.StartPlugin start) {
            startedAt.put(start.roleId() + "@" + start.epoch(), System.nanoTime());
            plugins.start(start.roleId(), start.epoch(), start.plugin());
        } else if (action instanceof Action.StopPlugin stop) {
            plugins.stop(stop.roleId(), stop.epoch(), stop.grace());
        } else if (action instanceof Action.Report report) {
            if (report.state() == RoleState.RUNNING) {
                Long started = startedAt.remove(report.roleId() + "@" + report.epoch());
                if (started != null) {
                    metrics.startToRunning.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                }
            } else if (report.state() == RoleState.FAILED) {
                metrics.pluginFailures.increment();
                startedAt.remove(report.roleId() + "@" + report.epoch());
            }
            events.publish(new RoleStateChanged(UUID.randomUUID(), now, report.roleId(), settings.serverId(),
                    report.epoch(), report.state(), report.endpoint(), report.detail()));
        }
    }

    /** Plugin outcomes become loop inputs. */
    private final class PluginOutcomes implements PluginHost.Listener {
        @Override
        public void running(String roleId, long epoch, Endpoint endpoint, String detail) {
            submit((s, now) -> s.onPluginRunning(roleId, epoch, endpoint, detail, now));
        }

        @Override
        public void failed(String roleId, long epoch, String detail) {
            // A plugin ended by its watchdog's deadline ended because the lease ran out: let the fence be decided
            // first, so that the end counts as fenced (STOPPED, resumed in place) and not as a plugin failure.
            checkLease();
            submit((s, now) -> s.onPluginFailed(roleId, epoch, detail, now));
        }

        @Override
        public void stopped(String roleId, long epoch) {
            submit((s, now) -> s.onPluginStopped(roleId, epoch, now));
        }
    }

    // ------------------------------------------------------------------------------------- heartbeats and lease

    private KafkaHeartbeatPublisher.Content heartbeatContent() {
        Snapshot current = snapshot;
        return new KafkaHeartbeatPublisher.Content(current.roles(), databases.current(current.databases()), leaving);
    }

    private final class HeartbeatOutcomes implements KafkaHeartbeatPublisher.Listener {
        @Override
        public void sent(long sequence) {
            metrics.heartbeatsSent.increment();
        }

        @Override
        public void acknowledged(long sequence, long sentAtNanos) {
            metrics.heartbeatsAcked.increment();
            lease.acknowledged(sentAtNanos);
        }

        @Override
        public void failed(long sequence, Exception error) {
            metrics.heartbeatsFailed.increment();
        }
    }

    /**
     * How long a command plugin may run without another renewal: the lease left plus one lease check, so that the
     * agent's own fence normally comes first and the watchdog's deadline only acts for a frozen agent.
     */
    private Duration pluginDeadline() {
        return lease.remaining(System.nanoTime()).plus(AgentSettings.LEASE_CHECK_INTERVAL);
    }

    /**
     * Synchronized: a plugin thread checks the lease before it reports a plugin's end, and the lease's expiry must
     * then be queued before that end even when the lease thread found it a moment earlier.
     */
    private synchronized void checkLease() {
        try {
            long now = System.nanoTime();
            Lease.Change change = lease.check(now);
            if (lease.held()) {
                plugins.renewAll(pluginDeadline());
            }
            switch (change) {
                case EXPIRED -> {
                    Duration silent = lease.sinceLastAcknowledged(now);
                    String why = "no heartbeat acknowledged by Kafka for " + silent.toMillis() + " ms (lease "
                            + settings.lease().toMillis() + " ms)";
                    metrics.fences.increment();
                    LOG.warn("Lease expired: {}; stopping every role ({} hosted) within {} ms, before the placement"
                                    + " can start them elsewhere", why, snapshot.roles().size(),
                            settings.fenceStopGrace().toMillis());
                    submit((s, at) -> s.onLeaseExpired(why, at));
                    heartbeats.abandonPending();
                }
                case ACQUIRED -> {
                    if (everAcquired) {
                        LOG.info("Lease renewed: heartbeats are acknowledged again; roles start only when assigned at"
                                + " a new epoch");
                    } else {
                        everAcquired = true;
                        LOG.info("Lease acquired: first heartbeat acknowledged");
                    }
                    submit((s, at) -> s.onLeaseAcquired(at));
                }
                case NONE -> {
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Lease check: {}", e.toString(), e);
        }
    }

    // ---------------------------------------------------------------------------------------- leave and close

    /**
     * Planned leave: heartbeats say {@code leaving} (the placement moves this server's roles with reason
     * MAINTENANCE), each role keeps running until its new host reports it RUNNING, and whatever has not moved
     * within {@code leave.timeout} is stopped. Returns when no role runs here any more; bounded by the leave
     * timeout plus the stop grace. Call {@link #close()} afterwards.
     */
    public void leave() {
        if (leaveStarted.compareAndSet(false, true)) {
            leaving = true;
            LOG.info("Planned leave of {}: announcing it in heartbeats; roles move away before they stop (at most {}"
                    + " ms)", settings.serverId(), settings.leaveTimeout().toMillis());
            submit((s, now) -> s.onLeave(now));
            heartbeats.sendNow();
        }
        Duration bound = settings.leaveTimeout().plus(settings.pluginStopGrace()).plusSeconds(5);
        try {
            leaveDone.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Planned leave of {} complete: no role runs here any more", settings.serverId());
        } catch (TimeoutException e) {
            LOG.warn("Planned leave of {}: roles still stopping after {} ms; closing anyway", settings.serverId(),
                    bound.toMillis());
        } catch (ExecutionException e) {
            LOG.warn("Planned leave of {} failed: {}", settings.serverId(), e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The last word: no roles, still leaving, so the placement reads the state the agent exits in.
        heartbeats.sendFinal(Duration.ofSeconds(1));
    }

    /**
     * Stops every role (normal grace; STOPPED is published), then the agent. Without a {@link #leave()} first this is
     * an abrupt stop for the roles' clients.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (loop.isAlive()) {
            shuttingDown = true;
            submit((s, now) -> s.onShutdown(now));
            try {
                idle.get(settings.pluginStopGrace().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.warn("Roles still stopping at shutdown; killing what is left");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running = false;
        starter.interrupt();
        reader.close();
        databases.close();
        leaseChecker.shutdownNow();
        loop.interrupt();
        try {
            loop.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        plugins.stopAll(Duration.ZERO);
        events.close(Duration.ofSeconds(2));
        heartbeats.close();
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("Vert.x close: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        registry.close();
        LOG.info("Agent of {} (incarnation {}) stopped", settings.serverId(), incarnation);
    }

    // -------------------------------------------------------------------------------------------------- state

    /** {@code /health/ready}: UP while the lease is held (a heartbeat acknowledged within the lease). */
    private Readiness readiness() {
        Snapshot current = snapshot;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("serverId", settings.serverId());
        details.put("incarnation", incarnation);
        details.put("fenced", fenced());
        details.put("leaving", leaving);
        details.put("leaseRemainingMs", lease.remaining(System.nanoTime()).toMillis());
        details.put("caughtUp", current.caughtUp());
        List<Map<String, Object>> roles = new ArrayList<>();
        for (HostedRole role : current.roles()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("roleId", role.roleId());
            entry.put("epoch", role.epoch());
            entry.put("state", role.state().name());
            if (role.endpoint() != null) {
                entry.put("endpoint", role.endpoint().toString());
            }
            roles.add(entry);
        }
        details.put("roles", roles);
        return lease.held() ? Readiness.ready(details) : Readiness.notReady(details);
    }

    /** The incarnation in this process's heartbeats. */
    public String incarnation() {
        return incarnation;
    }

    /** The port of {@code /health} and {@code /metrics}. */
    public int httpPort() {
        return http == null ? -1 : http.actualPort();
    }

    /** The lease ran out and has not been renewed since. */
    public boolean fenced() {
        return everAcquired && !lease.held();
    }

    /** The roles in the latest heartbeat. */
    public List<HostedRole> hostedRoles() {
        return snapshot.roles();
    }

    public AgentSettings settings() {
        return settings;
    }
}
