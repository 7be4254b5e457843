package dev.baton.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.baton.events.MoveReason;
import dev.baton.events.ProxyReconnected;
import dev.baton.events.Topic;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.RedisBenchmark;
import dev.baton.testkit.TestKafka;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real request/response client under load through the gateway across the abrupt loss of its upstream: Debian's
 * {@code redis-benchmark} (20 connections, one request in flight on each) against a role whose plugin is
 * {@code redis-server}, whose process is killed with SIGKILL while the benchmark runs; then the role moves to a
 * second redis-server. With the in-flight policy {@code close} the benchmark ends at once with the error of a
 * closed connection, pipelined ({@code -P 16}) or not; with {@code replay} it completes without an error. Either way
 * it never hangs. Across planned moves (maintenance; a failback whose old host stops at once) it completes without
 * an error under {@code close}: connections that may await an answer drain from the old host.
 *
 * <p>Needs {@code redis-server} and {@code redis-benchmark} ({@code apt-get install redis-server redis-tools};
 * {@code .ci/run} installs them); skipped without them.
 */
@ExtendWith(KafkaExtension.class)
class GatewayRedisIT {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRedisIT.class);
    private static final Duration T = Duration.ofSeconds(20);
    /** Far longer than a run needs: a benchmark still running then is hung. */
    private static final Duration HANG = Duration.ofSeconds(60);
    private static final int CONNECTIONS = 20;
    private static final int REQUESTS = 100_000;
    /** redis-benchmark -P 16 -c 10: every connection sends 16 requests, then waits for their 16 answers. */
    private static final Load PIPELINED = new Load(10, 1_000_000, 16);
    private static final Load ONE_IN_FLIGHT = new Load(CONNECTIONS, REQUESTS, 1);
    private static final File LOGS = new File("target/redis-it");

    private static GatewayFixture fixture;
    private static ScriptedControlPlane control;

    /** The benchmark's connections, requests per test and requests sent before waiting for answers. */
    private record Load(int connections, int requests, int pipeline) {
    }

    /** How the role leaves host A. */
    private enum Move {
        /** SIGKILL of A, then a failover. */
        KILL,
        /** A maintenance move: A keeps running until B serves, then it is killed. */
        MAINTENANCE,
        /** A failback: A's agent stops the role (SIGTERM) on the same decision, without waiting for the drains. */
        FAILBACK
    }

    /** What one benchmark run across the kill came to. */
    private record Run(RedisBenchmark.Result result, long exitAfterKillMs, ProxyReconnected event, long commandsOnB) {
    }

    @BeforeAll
    static void startGateway(TestKafka kafka) throws Exception {
        assumeThat(RedisBenchmark.installed("redis-server") && RedisBenchmark.installed("redis-benchmark"))
                .as("redis-server and redis-benchmark on the PATH (apt-get install redis-server redis-tools)").isTrue();
        control = new ScriptedControlPlane(kafka);
        fixture = GatewayFixture.start(kafka, List.of("redis-close", "redis-replay", "redis-planned",
                "redis-pipelined", "redis-failback"), Map.of(
                "switch.timeout", "10s",
                "transport.native", System.getProperty("it.native", "true"),
                "inflight.policy.roles", "redis-replay:replay"));
    }

    @AfterAll
    static void stopGateway() {
        GatewayFixture.stop(fixture, null);
    }

    @Test
    void shouldEndTheBenchmarkAtOnceWithAClosedConnectionErrorUnderTheClosePolicy(TestKafka kafka) throws Exception {
        Run run = benchmarkAcrossAKill(kafka, "redis-close");

        assertThat(run.result().exitCode()).as("redis-benchmark stops at the first connection error").isEqualTo(1);
        assertThat(run.result().output()).containsAnyOf("Server closed the connection", "Connection reset by peer");
        assertThat(run.event().connectionsClosedAwaiting()).as("the connections that awaited an answer").isPositive();
        assertThat(run.event().connectionsReplayed()).isZero();
        assertThat(run.exitAfterKillMs()).as("no hang: the client saw the error at once").isLessThan(5_000);
    }

    @Test
    void shouldEndAPipeliningBenchmarkAtOnceAcrossAKillUnderTheClosePolicy(TestKafka kafka) throws Exception {
        // Connections whose last bytes were answers that came moments before the kill may still wait for the rest
        // of their batch: recent traffic counts as awaiting, so they are closed too instead of re-pointed to hang.
        Run run = benchmarkAcross(kafka, "redis-pipelined", Move.KILL, PIPELINED);

        assertThat(run.result().exitCode()).as(run.result().output()).isEqualTo(1);
        assertThat(run.result().output()).containsAnyOf("Server closed the connection", "Connection reset by peer");
        assertThat(run.exitAfterKillMs()).as("no hang: the client saw the error at once").isLessThan(5_000);
        assertThat(run.event().connectionsClosedAwaiting()).isPositive();
        assertThat(run.event().connectionsReplayed()).isZero();
    }

    @Test
    void shouldCompleteTheBenchmarkWithoutAnErrorUnderTheReplayPolicy(TestKafka kafka) throws Exception {
        Run run = benchmarkAcrossAKill(kafka, "redis-replay");

        assertThat(run.result().clean()).as(run.result().output()).isTrue();
        assertThat(run.event().connectionsMoved()).isEqualTo(CONNECTIONS);
        assertThat(run.event().connectionsReplayed()).as("requests in flight at the kill, resent").isPositive();
        assertThat(run.event().connectionsClosedAwaiting()).isZero();
        assertThat(run.commandsOnB()).as("the rest of the run on the new host").isGreaterThan(REQUESTS);
    }

    @Test
    void shouldCompleteTheBenchmarkWithoutAnErrorAcrossAPlannedMoveUnderTheClosePolicy(TestKafka kafka)
            throws Exception {
        Run run = benchmarkAcross(kafka, "redis-planned", Move.MAINTENANCE, ONE_IN_FLIGHT);

        assertThat(run.result().clean()).as(run.result().output()).isTrue();
        assertThat(run.event().connectionsClosedAwaiting()).as("every answer came back while draining").isZero();
        // Redis answers within microseconds: most connections are idle at the instant of the move, the rest drain.
        assertThat(run.event().connectionsIdle() + run.event().connectionsDrained()).isEqualTo(CONNECTIONS);
        assertThat(run.event().connectionsMoved()).isEqualTo(CONNECTIONS);
    }

    @Test
    void shouldCompleteAPipeliningBenchmarkWithoutAnErrorAcrossAFailbackUnderTheClosePolicy(TestKafka kafka)
            throws Exception {
        Run run = benchmarkAcross(kafka, "redis-failback", Move.FAILBACK, PIPELINED);

        assertThat(run.result().clean()).as(run.result().output()).isTrue();
        assertThat(run.event().connectionsClosedAwaiting()).as("every answer came back before the old host stopped")
                .isZero();
        assertThat(run.event().connectionsMoved()).isEqualTo(PIPELINED.connections());
    }

    private Run benchmarkAcrossAKill(TestKafka kafka, String role) throws Exception {
        return benchmarkAcross(kafka, role, Move.KILL, ONE_IN_FLIGHT);
    }

    /**
     * Runs the benchmark through {@code role} on host A and moves the role to host B a third of the way into the SET
     * test, as {@code move} says.
     */
    private Run benchmarkAcross(TestKafka kafka, String role, Move move, Load load) throws Exception {
        try (RedisHost a = RedisHost.start(role + "-a", LOGS); RedisHost b = RedisHost.start(role + "-b", LOGS)) {
            control.beginMove(role, a.serverId());
            control.completeMove(role, a.serverId(), a.endpoint());
            Await.until(role + " routed to " + a.serverId(), T, () -> {
                JsonObject route = fixture.route(role);
                return "RUNNING".equals(route.getString("state"))
                        && a.endpoint().toString().equals(route.getString("upstream"));
            });
            try (RedisBenchmark benchmark = RedisBenchmark.start(fixture.port(role), load.connections(),
                    load.requests(), load.pipeline(), LOGS.toPath().resolve("redis-benchmark-" + role + ".txt"))) {
                // When the host dies a third of the way into the SET test, with a request in flight on most
                // connections, and the role moves to the other host at once
                Await.until("the benchmark under way on " + a.serverId(), T,
                        () -> a.commandsProcessed() > load.requests() / 3);
                if (move == Move.KILL) {
                    a.kill();
                }
                long killedAt = System.nanoTime();
                long epoch = control.beginMove(role, b.serverId(), switch (move) {
                    case KILL -> MoveReason.FAILOVER;
                    case MAINTENANCE -> MoveReason.MAINTENANCE;
                    case FAILBACK -> MoveReason.FAILBACK;
                });
                control.completeMove(role, b.serverId(), b.endpoint());
                if (move == Move.FAILBACK) {
                    // A's agent acts on the same decision as the gateway: it stops the role once the decision is out,
                    // here once the gateway has it (its drains under way), without waiting for them.
                    Await.until(role + " moved in the gateway", T, () -> fixture.route(role).getLong("epoch") == epoch);
                    a.terminate();
                } else if (move == Move.MAINTENANCE) {
                    Await.until("the benchmark under way on " + b.serverId(), T, () -> b.commandsProcessed() > 1_000);
                    a.kill();
                }

                RedisBenchmark.Result result = benchmark.awaitExit(HANG);
                long exitAfterKillMs = (System.nanoTime() - killedAt) / 1_000_000;
                ProxyReconnected event = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnected.class,
                        e -> e.roleId().equals(role) && e.epoch() == epoch, T);
                Run run = new Run(result, exitAfterKillMs, event, b.commandsProcessed());
                LOG.info("MEASURED {}: redis-benchmark exited {} {} ms after the move ({}); {}; output: {}", role,
                        result.exitCode(), exitAfterKillMs, move, event, result.summary());
                return run;
            }
        }
    }
}
