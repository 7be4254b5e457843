package dev.baton.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.baton.events.MoveReason;
import dev.baton.events.ProxyReconnected;
import dev.baton.events.Topic;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.LineClient;
import dev.baton.testkit.RedisBenchmark;
import dev.baton.testkit.TestKafka;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway does with connections that await an answer when their upstream is lost (the in-flight policies
 * close and replay), and the client's half-close, against the real broker and real sockets.
 */
@ExtendWith(KafkaExtension.class)
class GatewayInFlightIT {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayInFlightIT.class);
    private static final Duration T = Duration.ofSeconds(15);
    private static final int REPLAY_LIMIT = 64;
    /** The gateway's inflight.quiet here: a connection quiet that long, its host's answer last, counts as idle. */
    private static final Duration QUIET = Duration.ofMillis(200);
    private static final List<String> ROLES = List.of("closing", "replaying", "overlimit", "halfclose", "draining",
            "drained");

    private static GatewayFixture fixture;
    private static Vertx vertx;
    private static ScriptedControlPlane control;

    @BeforeAll
    static void startGateway(TestKafka kafka) throws Exception {
        vertx = Vertx.vertx();
        control = new ScriptedControlPlane(kafka);
        fixture = GatewayFixture.start(kafka, ROLES, Map.of(
                "switch.timeout", "10s",
                "transport.native", System.getProperty("it.native", "true"),
                "inflight.policy.roles", "replaying:replay,overlimit:replay",
                "inflight.replay.bytes", String.valueOf(REPLAY_LIMIT),
                "inflight.quiet", QUIET.toMillis() + "ms"));
    }

    @AfterAll
    static void stopGateway() {
        GatewayFixture.stop(fixture, vertx);
    }

    @Test
    void shouldCloseOnlyTheConnectionAwaitingAnAnswerWhenItsHostDiesUnderTheClosePolicy(TestKafka kafka) {
        String role = "closing";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b");
                LineClient idle = LineClient.connect(fixture.port(role));
                LineClient awaiting = LineClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            assertThat(idle.ask("hello")).isEqualTo("srv-a hello");
            long idleSince = System.nanoTime();
            assertThat(awaiting.ask("hello")).isEqualTo("srv-a hello");
            sendUnanswered(a, awaiting, "never-answered");
            awaitQuiet(idleSince);

            // When srv-a dies with the request unanswered
            long lostAt = System.nanoTime();
            a.stop();

            // Then the awaiting client sees its connection close, as it would have without the gateway
            assertThat(awaiting.readLine()).as("end of stream").isNull();
            long closedAfterMs = (System.nanoTime() - lostAt) / 1_000_000;
            long epoch = control.beginMove(role, b);
            control.completeMove(role, b);
            // its retry reaches the new host, and the idle client was re-pointed without noticing
            try (LineClient retry = LineClient.connect(fixture.port(role))) {
                assertThat(retry.ask("never-answered")).isEqualTo("srv-b never-answered");
            }
            assertThat(idle.ask("after")).isEqualTo("srv-b after");

            ProxyReconnected event = reconnected(kafka, role, epoch);
            LOG.info("MEASURED closing: the awaiting client's connection closed {} ms after its host died; {}",
                    closedAfterMs, event);
            assertThat(event.connectionsMoved()).isEqualTo(1);
            assertThat(event.connectionsIdle()).isEqualTo(1);
            assertThat(event.connectionsClosedAwaiting()).as("closed before the move, counted with it").isEqualTo(1);
            assertThat(event.connectionsReplayed()).isZero();
            assertThat(fixture.get("/metrics", false).body()).contains(
                    "baton_gateway_upstream_losses_total{outcome=\"closed_awaiting\",role=\"closing\","
                            + "service=\"proxy-gateway\"} 1.0",
                    "baton_gateway_upstream_losses_total{outcome=\"idle\",role=\"closing\",service=\"proxy-gateway\"}");
        }
    }

    @Test
    void shouldResendTheUnansweredRequestToTheNewHostUnderTheReplayPolicy(TestKafka kafka) {
        String role = "replaying";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b");
                LineClient client = LineClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            assertThat(client.ask("one")).isEqualTo("srv-a one");
            sendUnanswered(a, client, "two");

            // When srv-a dies with "two" unanswered, and the role moves to srv-b
            a.stop();
            long epoch = control.beginMove(role, b);
            control.completeMove(role, b);

            // Then srv-b answers it on the same connection, then what follows
            assertThat(client.readLine()).isEqualTo("srv-b two");
            assertThat(client.ask("three")).isEqualTo("srv-b three");
            assertThat(b.lines()).containsExactly("two", "three");
            ProxyReconnected event = reconnected(kafka, role, epoch);
            LOG.info("MEASURED replaying: {}", event);
            assertThat(event.connectionsMoved()).isEqualTo(1);
            assertThat(event.connectionsReplayed()).isEqualTo(1);
            assertThat(event.bytesReplayed()).isEqualTo(4);
            assertThat(event.connectionsIdle()).isZero();
            assertThat(event.connectionsClosedAwaiting()).isZero();
        }
    }

    @Test
    void shouldCloseAnAwaitingConnectionWhoseUnansweredBytesPassTheReplayLimit(TestKafka kafka) {
        String role = "overlimit";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b");
                LineClient client = LineClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            sendUnanswered(a, client, "x".repeat(REPLAY_LIMIT + 36));

            // When the role moves away from srv-a (srv-a itself still runs)
            long epoch = control.beginMove(role, b);

            assertThat(client.readLine()).as("end of stream").isNull();
            ProxyReconnected event = reconnected(kafka, role, epoch);
            assertThat(event.connectionsMoved()).isZero();
            assertThat(event.connectionsClosedAwaiting()).isEqualTo(1);
            assertThat(event.reconnectMillis()).isZero();
        }
    }

    @Test
    void shouldDeliverTheOldHostsAnswerThenForwardToTheNewHostOnAPlannedMove(TestKafka kafka) {
        String role = "drained";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b");
                LineClient client = LineClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            assertThat(client.ask("one")).isEqualTo("srv-a one");
            a.answerAfter(Duration.ofMillis(400));
            client.send("slow");
            Await.until("the slow request at srv-a", T, () -> a.lines().contains("slow"));

            // When the role moves away for maintenance while "slow" awaits its answer, and the client goes on
            long epoch = control.beginMove(role, b.serverId(), MoveReason.MAINTENANCE);
            Await.until("the connection draining", T, () -> fixture.gateway().meters(role).switchingConnections() == 1);
            client.send("next");
            control.completeMove(role, b);

            // Then the old host's answer arrives, and what the client sent meanwhile goes to the new host only
            assertThat(client.readLine()).isEqualTo("srv-a slow");
            assertThat(client.readLine()).isEqualTo("srv-b next");
            assertThat(a.lines()).containsExactly("one", "slow");
            assertThat(b.lines()).containsExactly("next");
            ProxyReconnected event = reconnected(kafka, role, epoch);
            LOG.info("MEASURED drained: {}", event);
            assertThat(event.connectionsDrained()).isEqualTo(1);
            assertThat(event.drainMillis()).isPositive();
            assertThat(event.connectionsClosedAwaiting()).isZero();
        }
    }

    @Test
    void shouldApplyThePolicyWhenTheOldHostOfAPlannedMoveClosesWithoutAnswering(TestKafka kafka) {
        String role = "draining";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b");
                LineClient idle = LineClient.connect(fixture.port(role));
                LineClient awaiting = LineClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            assertThat(idle.ask("hello")).isEqualTo("srv-a hello");
            long idleSince = System.nanoTime();
            sendUnanswered(a, awaiting, "never-answered");
            awaitQuiet(idleSince);

            // When the role moves away for maintenance: the awaiting connection drains, the old host takes the FIN
            // and closes without answering
            long epoch = control.beginMove(role, b.serverId(), MoveReason.MAINTENANCE);
            control.completeMove(role, b);

            assertThat(awaiting.readLine()).as("end of stream, under the policy close").isNull();
            assertThat(idle.ask("after")).isEqualTo("srv-b after");
            ProxyReconnected event = reconnected(kafka, role, epoch);
            assertThat(event.connectionsIdle()).isEqualTo(1);
            assertThat(event.connectionsClosedAwaiting()).isEqualTo(1);
            assertThat(event.connectionsDrained()).isZero();
        }
    }

    @Test
    void shouldForwardTheClientsHalfCloseAndStillDeliverTheAnswer() throws IOException {
        String role = "halfclose";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); Socket socket = new Socket()) {
            control.runOn(role, a);
            socket.setSoTimeout((int) T.toMillis());
            socket.connect(new InetSocketAddress("127.0.0.1", fixture.port(role)), 5_000);
            OutputStream out = socket.getOutputStream();

            // Given a client that sends its request and half-closes, as `printf 'hello\n' | nc -q 1` does
            out.write("hello\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput();

            // Then the answer reaches it, followed by the end of the stream
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).isEqualTo("srv-a hello\n");
            assertThat(a.lines()).containsExactly("hello");
            Await.until("the connection gone from the gateway", T,
                    () -> fixture.gateway().meters(role).openConnections() == 0);
        }
    }

    @Test
    void shouldPrintTheAnswerToNetcatThatHalfClosesAfterItsRequest() throws Exception {
        assumeThat(RedisBenchmark.installed("nc")).as("nc on the PATH (apt-get install netcat-openbsd)").isTrue();
        String role = "halfclose";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-nc")) {
            control.runOn(role, a);
            // The command of issue 13, verbatim: nc shuts its sending side at the end of its input.
            Process nc = new ProcessBuilder("sh", "-c", "printf 'hello\\n' | nc -q 1 127.0.0.1 " + fixture.port(role))
                    .redirectErrorStream(true).start();
            assertThat(nc.waitFor(T.toMillis(), TimeUnit.MILLISECONDS)).as("nc finished").isTrue();
            assertThat(new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("srv-nc hello\n");
        }
    }

    /** {@code host} stops answering; {@code line} reaches it and stays unanswered. */
    private static void sendUnanswered(SampleUpstream host, LineClient client, String line) {
        host.silence();
        client.send(line);
        Await.until("the request at " + host.serverId(), T, () -> host.lines().contains(line));
    }

    /**
     * Until a client whose last answer came at {@code sinceNanos} has been quiet for the gateway's quiet interval: only
     * then is it idle (with more recent traffic it might be a pipeline still waiting for answers).
     */
    private static void awaitQuiet(long sinceNanos) {
        Await.until("a client quiet for " + QUIET.toMillis() + " ms", T,
                () -> System.nanoTime() - sinceNanos > QUIET.toNanos());
    }

    private static ProxyReconnected reconnected(TestKafka kafka, String role, long epoch) {
        return kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnected.class,
                e -> e.roleId().equals(role) && e.epoch() == epoch, T);
    }
}
