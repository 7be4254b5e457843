package dev.baton.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.events.MoveReason;
import dev.baton.events.ProxyDrained;
import dev.baton.events.ProxyReconnected;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.Topic;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.RedisBenchmark;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13's scenario with every part real: a role whose command plugin is Debian's {@code redis-server --port {port}},
 * run by heartbeat-agents and placed by the placement-service, a gateway route to it, and {@code redis-benchmark -c 10}
 * as the client through the gateway; then {@code kill -9} of the hosting agent in the middle of the run. Before the
 * in-flight policies the benchmark hung with a request on each connection that the dead host never answered. Then the
 * planned moves, maintenance and failback, under the default policy {@code close}: drained by the gateway before the
 * move, the old host stopped before the new one started (checked from the agents' reports), and not one error.
 */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayInFlightSystemIT {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayInFlightSystemIT.class);
    private static final Duration T = Duration.ofSeconds(30);
    /** Far longer than the run plus a failover: a benchmark still running then is hung. */
    private static final Duration HANG = Duration.ofSeconds(90);
    private static final String CLOSE = "if-close";
    private static final String REPLAY = "if-replay";
    private static final String MAINTENANCE = "if-maintenance";
    private static final String FAILBACK = "if-failback";
    private static final int CONNECTIONS = 10;
    private static final int REQUESTS = 50_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestKafka kafka;
    private final RoleEvents events;
    private Placement placement;
    private Gateway gateway;
    private Agents agents;

    @TempDir
    Path workDir;

    GatewayInFlightSystemIT(TestKafka kafka) {
        this.kafka = kafka;
        this.events = new RoleEvents(kafka);
    }

    @BeforeAll
    void start(TestDatabase database) {
        assumeThat(RedisBenchmark.installed("redis-server") && RedisBenchmark.installed("redis-benchmark"))
                .as("redis-server and redis-benchmark on the PATH (apt-get install redis-server redis-tools)").isTrue();
        placement = Placement.start(kafka, database);
        gateway = Gateway.start(kafka, "gw-inflight", List.of(CLOSE, REPLAY, MAINTENANCE, FAILBACK),
                Map.of("inflight.policy.roles", REPLAY + ":replay"));
    }

    @BeforeEach
    void newAgents() {
        agents = new Agents(kafka.bootstrapServers(), kafka.namespace(), workDir);
    }

    @AfterEach
    void stopAgents() {
        if (agents != null) {
            agents.close();
        }
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (placement != null) {
            placement.close();
        }
    }

    @Test
    void shouldEndTheBenchmarkWithAConnectionErrorInsteadOfHangingWhenTheHostIsKilledUnderTheClosePolicy() {
        Outcome outcome = benchmarkAcrossAKill9(CLOSE, "ic-a", "ic-b");

        assertThat(outcome.result().exitCode()).as(outcome.result().output()).isEqualTo(1);
        assertThat(outcome.result().output()).contains("Error: Server closed the connection");
        assertThat(outcome.event().connectionsClosedAwaiting()).as("the connections that awaited an answer")
                .isPositive();
    }

    @Test
    void shouldCompleteTheBenchmarkWithoutAnErrorWhenTheHostIsKilledUnderTheReplayPolicy() {
        Outcome outcome = benchmarkAcrossAKill9(REPLAY, "ir-a", "ir-b");

        assertThat(outcome.result().clean()).as(outcome.result().output()).isTrue();
        assertThat(outcome.event().connectionsClosedAwaiting()).isZero();
        assertThat(outcome.event().connectionsMoved()).isEqualTo(CONNECTIONS);
    }

    @Test
    void shouldCompleteTheBenchmarkWithoutAnErrorWhenTheHostGoesIntoMaintenanceUnderTheClosePolicy() {
        // The default policy: a client that lost a request would see an error; a planned move must lose none.
        Outcome outcome = benchmarkAcross(MAINTENANCE, "im-a", "im-b", MoveReason.MAINTENANCE, a ->
                placement.send("PUT", "/api/v1/servers/im-a/maintenance",
                        JSON.createObjectNode().put("on", true)));

        assertThat(outcome.result().clean()).as(outcome.result().output()).isTrue();
        assertThat(outcome.event().connectionsClosedAwaiting()).isZero();
        assertThat(outcome.event().connectionsIdle() + outcome.event().connectionsDrained()).isEqualTo(CONNECTIONS);
        assertDrainedThenHandedOverWithoutOverlap(MAINTENANCE, "im-a", "im-b");
    }

    @Test
    void shouldCompleteTheBenchmarkWithoutAnErrorAcrossAFailbackUnderTheClosePolicy() {
        // fb-a is first in the list but in maintenance, so the role starts on fb-b; when fb-a comes back the role
        // fails back to it under load.
        Outcome outcome = benchmarkAcross(FAILBACK, "fb-b", "fb-a", MoveReason.FAILBACK, b ->
                placement.send("PUT", "/api/v1/servers/fb-a/maintenance",
                        JSON.createObjectNode().put("on", false)));

        assertThat(outcome.result().clean()).as(outcome.result().output()).isTrue();
        assertThat(outcome.event().connectionsClosedAwaiting()).isZero();
        assertThat(outcome.event().connectionsMoved()).isEqualTo(CONNECTIONS);
        assertDrainedThenHandedOverWithoutOverlap(FAILBACK, "fb-b", "fb-a");
    }

    /**
     * The planned move of {@code role} from {@code from} (epoch 1) to {@code to} (epoch 2) drained first (this
     * gateway reported ProxyDrained for epoch 1 before the move), and {@code to} started the role only after
     * {@code from} had stopped it: no two servers ran it at once.
     */
    private void assertDrainedThenHandedOverWithoutOverlap(String role, String from, String to) {
        ProxyDrained drained = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyDrained.class,
                e -> e.roleId().equals(role) && e.epoch() == 1, T);
        RoleMoved moved = events.move(role, 2);
        assertThat(drained.gatewayId()).isEqualTo("gw-inflight");
        assertThat(drained.connections()).isEqualTo(CONNECTIONS);
        assertThat(drained.occurredAt()).as("drained before the move was decided").isBeforeOrEqualTo(moved.decidedAt());
        RoleStateChanged stopped = events.state(role, from, 1, RoleState.STOPPED);
        RoleStateChanged starting = events.state(role, to, 2, RoleState.STARTING);
        LOG.info("MEASURED {}: drained in {} ms ({} awaited), decided {} ms after the drain, {} stopped it {} ms after"
                + " the decision, {} started it {} ms after that", role, drained.drainMillis(),
                drained.connectionsAwaiting(), Duration.between(drained.occurredAt(), moved.decidedAt()).toMillis(),
                from, Duration.between(moved.decidedAt(), stopped.occurredAt()).toMillis(), to,
                Duration.between(stopped.occurredAt(), starting.occurredAt()).toMillis());
        assertThat(starting.occurredAt()).as("break before make: %s", events.describe(role))
                .isAfterOrEqualTo(stopped.occurredAt());
        assertThat(overlaps(role)).as(events.describe(role)).isEmpty();
    }

    /** Moments at which two servers reported the role STARTING or RUNNING at once, from their reports in time order. */
    private List<String> overlaps(String role) {
        List<RoleStateChanged> reports = events.history(role).stream()
                .filter(RoleStateChanged.class::isInstance).map(RoleStateChanged.class::cast)
                .sorted(java.util.Comparator.comparing(RoleStateChanged::occurredAt)).toList();
        Map<String, RoleState> last = new java.util.HashMap<>();
        List<String> overlaps = new java.util.ArrayList<>();
        for (RoleStateChanged report : reports) {
            last.put(report.serverId(), report.state());
            long active = last.values().stream()
                    .filter(state -> state == RoleState.STARTING || state == RoleState.RUNNING).count();
            if (active > 1) {
                overlaps.add(report.serverId() + " " + report.state() + "@" + report.epoch() + " at "
                        + report.occurredAt() + " while " + last);
            }
        }
        return overlaps;
    }

    private record Outcome(RedisBenchmark.Result result, ProxyReconnected event) {
    }

    private Outcome benchmarkAcrossAKill9(String role, String serverA, String serverB) {
        return benchmarkAcross(role, serverA, serverB, MoveReason.FAILOVER, AgentProcess::kill9);
    }

    /** Runs redis-benchmark through the gateway to {@code role} on A, and moves the role by {@code move} mid-run. */
    private Outcome benchmarkAcross(String role, String serverA, String serverB, MoveReason reason,
            Consumer<AgentProcess> move) {
        AgentProcess a = agents.process(serverA);
        agents.inProcess(serverB);
        placement.awaitRegistered(serverA, serverB);
        var definition = Placement.role(role, serverA, serverB);
        if (reason == MoveReason.FAILBACK) {
            // serverB is the preferred server, in maintenance until the move: the role starts on serverA.
            placement.send("PUT", "/api/v1/servers/" + serverB + "/maintenance", JSON.createObjectNode().put("on", true));
            definition = Placement.role(role, serverB, serverA).put("forceHighestPriority", true)
                    .put("failbackDelayMs", 500);
        }
        placement.createRole(Placement.withCommand(definition, List.of(
                "redis-server", "--port", "{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")));
        events.state(role, serverA, 1, RoleState.RUNNING);
        Await.until("the gateway routes " + role + " to " + serverA, T,
                () -> "RUNNING".equals(gateway.route(role).path("state").asText()));

        try (RedisBenchmark benchmark = RedisBenchmark.start(gateway.port(role), CONNECTIONS, REQUESTS,
                workDir.resolve("redis-benchmark-" + role + ".txt"))) {
            // When the role moves (its host killed with kill -9, or put in maintenance) a few thousand requests in
            Await.until("the benchmark under way", T,
                    () -> gateway.meters(role).forwardedToUpstreamBytes() > 200_000);
            move.accept(a);
            long killedAt = System.nanoTime();

            // Then the benchmark finishes, within a bound far above its run time
            RedisBenchmark.Result result = benchmark.awaitExit(HANG);
            long exitAfterKillMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(events.move(role, 2).reason()).isEqualTo(reason);
            ProxyReconnected event = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnected.class,
                    e -> e.roleId().equals(role) && e.epoch() == 2, T);
            LOG.info("MEASURED {} across a {} move: redis-benchmark exited {} {} ms after it began; {}; output: {}", role,
                    reason, result.exitCode(), exitAfterKillMs, event, result.summary());
            return new Outcome(result, event);
        }
    }
}
