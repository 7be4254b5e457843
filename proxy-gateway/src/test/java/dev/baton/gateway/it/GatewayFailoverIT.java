package dev.baton.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.MoveReason;
import dev.baton.events.ProxyReconnected;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.Topic;
import dev.baton.gateway.GatewayMetrics.RoleMeters;
import dev.baton.testkit.LineClient;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway against the real broker, following role moves published as the placement and the agents publish them
 * ({@link RoleControlPlane}), in front of upstreams that answer like the built-in sample plugin.
 */
@ExtendWith(KafkaExtension.class)
class GatewayFailoverIT {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayFailoverIT.class);
    private static final Duration T = Duration.ofSeconds(15);
    private static final int HOLD_LIMIT = 64 * 1024;
    /** Netty's default write-queue high-water mark: past it the gateway pauses the side that feeds the queue. */
    private static final int WRITE_QUEUE_HIGH = 64 * 1024;
    /** The most one socket read can hand over (Netty's adaptive receive buffer). */
    private static final int ONE_READ = 64 * 1024;
    private static final String PREAMBLE = "RESUME session-42";
    private static final List<String> ROLES = List.of("follow", "order", "preamble", "stale", "lost", "stalled", "held",
            "admin");

    private static GatewayFixture fixture;
    private static Vertx vertx;
    private static ScriptedControlPlane control;

    @BeforeAll
    static void startGateway(TestKafka kafka) throws Exception {
        vertx = Vertx.vertx();
        control = new ScriptedControlPlane(kafka);
        String preamble = Base64.getEncoder().encodeToString((PREAMBLE + "\n").getBytes(StandardCharsets.UTF_8));
        fixture = GatewayFixture.start(kafka, ROLES, Map.of(
                "switch.timeout", "10s",
                "switch.buffer.bytes", String.valueOf(HOLD_LIMIT),
                "transport.native", System.getProperty("it.native", "true"),
                "preamble.secrets", "preamble:" + preamble,
                // The writer streams without waiting for answers: re-pointed with whatever the old host did not answer.
                "inflight.policy.roles", "order:repoint",
                // These tests re-point clients right after an answer, one request in flight each: judged by the
                // unanswered bytes alone. The quiet interval's judgement is GatewayInFlightIT's and GatewayRedisIT's.
                "inflight.quiet", "0ms"));
    }

    @AfterAll
    static void stopGateway() {
        GatewayFixture.stop(fixture, vertx);
    }

    @Test
    void shouldKeepEachClientConnectionAcrossAFailoverAndBeAnsweredByTheNewHost(TestKafka kafka) throws Exception {
        String role = "follow";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b")) {
            control.runOn(role, a);
            List<LineClient> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(LineClient.connect(fixture.port(role)));
                assertThat(clients.get(i).ask("hello-" + i)).isEqualTo("srv-a hello-" + i);
            }

            long epoch = control.beginMove(role, b);
            Await.until("three connections switching", T, () -> meters(role).switchingConnections() == 3);
            for (int i = 0; i < 3; i++) {
                clients.get(i).send("during-" + i);
            }
            Await.until("the lines held by the gateway", T, () -> meters(role).bufferedBytes() == 27);
            control.completeMove(role, b);

            for (int i = 0; i < 3; i++) {
                assertThat(clients.get(i).readLine()).isEqualTo("srv-b during-" + i);
                assertThat(clients.get(i).ask("after-" + i)).isEqualTo("srv-b after-" + i);
            }
            assertThat(a.lines()).containsExactlyInAnyOrder("hello-0", "hello-1", "hello-2");
            assertThat(b.lines()).containsExactlyInAnyOrder("during-0", "during-1", "during-2", "after-0", "after-1",
                    "after-2");
            assertThat(b.connectionsAccepted()).isEqualTo(3);

            ProxyReconnected event = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnected.class,
                    e -> e.roleId().equals(role) && e.epoch() == epoch, T);
            assertThat(event.gatewayId()).isEqualTo("gw-it");
            assertThat(event.connectionsMoved()).isEqualTo(3);
            assertThat(event.bytesBuffered()).isEqualTo(27);
            LOG.info("MEASURED follow: ProxyReconnected {} (the RUNNING came after the test's own pause)", event);
            for (LineClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void shouldDeliverLinesSentWhileTheRoleMovesToTheNewHostInOrderExactlyOnce(TestKafka kafka) throws Exception {
        String role = "order";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b");
                LineClient client = LineClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            // At most 50 lines between the client and the hosts: the writer keeps streaming through the move, and
            // stops 50 lines into it while the gateway holds them.
            Semaphore window = new Semaphore(50);
            a.onLine(line -> window.release());
            b.onLine(line -> window.release());
            List<String> answers = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    for (String answer = client.readLine(); answer != null; answer = client.readLine()) {
                        answers.add(answer);
                    }
                } catch (UncheckedIOException e) {
                    // the socket closed at the end of the test, or stayed silent past its read timeout
                }
            }, "order-reader");
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        if (!window.tryAcquire(10, TimeUnit.SECONDS)) {
                            throw new AssertionError("no line arrived at any host for 10 s after line " + i);
                        }
                        client.send("L" + i);
                        sent.set(i + 1);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "order-writer");
            reader.setDaemon(true);
            reader.start();
            writer.start();

            Await.until("200 lines on srv-a", T, () -> a.lines().size() >= 200);
            long epoch = control.beginMove(role, b);
            Await.until("lines held during the move", T,
                    () -> meters(role).switchingConnections() == 1 && meters(role).bufferedBytes() > 0);
            control.completeMove(role, b);
            Await.until("200 lines on srv-b", T, () -> b.lines().size() >= 200);
            stop.set(true);
            writer.join(10_000);
            assertThat(failure.get()).isNull();
            int total = sent.get();
            Await.until("every line at a host", T, () -> a.lines().size() + b.lines().size() == total);

            List<String> expected = IntStream.range(0, total).mapToObj(i -> "L" + i).toList();
            List<String> delivered = new ArrayList<>(a.lines());
            delivered.addAll(b.lines());
            assertThat(delivered).as("A's lines then B's: every line once, in order").isEqualTo(expected);
            Await.until("B's answers", T, () -> answers.contains("srv-b L" + (total - 1)));
            List<String> fromB = answers.stream().filter(s -> s.startsWith("srv-b ")).map(s -> s.substring(6)).toList();
            List<String> fromA = answers.stream().filter(s -> s.startsWith("srv-a ")).map(s -> s.substring(6)).toList();
            assertThat(fromB).isEqualTo(b.lines());
            assertThat(a.lines()).startsWith(fromA.toArray(String[]::new));
            assertThat(answers.subList(0, fromA.size())).allMatch(s -> s.startsWith("srv-a "));

            ProxyReconnected event = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnected.class,
                    e -> e.roleId().equals(role) && e.epoch() == epoch, T);
            LOG.info("MEASURED order: {} lines to srv-a, {} to srv-b, {} answers from srv-a lost with the old upstream;"
                    + " {}", a.lines().size(), b.lines().size(), a.lines().size() - fromA.size(), event);
            assertThat(event.connectionsMoved()).isEqualTo(1);
            assertThat(event.bytesBuffered()).isPositive();
        }
    }

    @Test
    void shouldSendThePreambleToTheNewUpstreamBeforeTheClientsBytes(TestKafka kafka) throws Exception {
        String role = "preamble";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b");
                LineClient client = LineClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            assertThat(client.ask("one")).isEqualTo("srv-a one");

            // The new host RUNNING right after the decision: what is left is the gateway's own reaction time.
            long epoch = control.beginMove(role, b);
            control.completeMove(role, b);
            Await.until("the gateway connected to srv-b", T, () -> b.connectionsAccepted() == 1);
            client.send("two");

            assertThat(client.readLine()).isEqualTo("srv-b " + PREAMBLE);
            assertThat(client.readLine()).isEqualTo("srv-b two");
            assertThat(a.lines()).as("no preamble for the client's first upstream").containsExactly("one");
            assertThat(b.lines()).containsExactly(PREAMBLE, "two");
            ProxyReconnected event = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnected.class,
                    e -> e.roleId().equals(role) && e.epoch() == epoch, T);
            LOG.info("MEASURED preamble: RoleMoved -> forwarding to the new host in {} ms (RUNNING published at once)",
                    event.reconnectMillis());
        }
    }

    @Test
    void shouldNotRepointConnectionsOnAStaleAssignment(TestKafka kafka) throws Exception {
        String role = "stale";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b")) {
            control.runOn(role, a);
            control.beginMove(role, b);
            control.completeMove(role, b);
            Await.until("route at epoch 2 on srv-b", T, () -> route(role).getLong("epoch", -1L) == 2
                    && b.endpoint().toString().equals(route(role).getString("upstream")));
            try (LineClient client = LineClient.connect(fixture.port(role))) {
                assertThat(client.ask("x")).isEqualTo("srv-b x");
                long staleBefore = meters(role).staleEvents();

                // A replayed decision and report for epoch 1, pointing back at srv-a.
                kafka.send(new RoleAssignment(UUID.randomUUID(), Instant.now(), role, 1, "srv-a", a.endpoint(),
                        MoveReason.INITIAL));
                kafka.send(new RoleStateChanged(UUID.randomUUID(), Instant.now(), role, "srv-a", 1, RoleState.RUNNING,
                        a.endpoint(), null));
                Await.until("both stale events seen", T, () -> meters(role).staleEvents() == staleBefore + 2);

                assertThat(client.ask("y")).isEqualTo("srv-b y");
                try (LineClient late = LineClient.connect(fixture.port(role))) {
                    assertThat(late.ask("z")).isEqualTo("srv-b z");
                }
                assertThat(a.connectionsAccepted()).isZero();
                assertThat(route(role).getLong("epoch")).isEqualTo(2);
                assertThat(route(role).getString("upstream")).isEqualTo(b.endpoint().toString());
            }
        }
    }

    @Test
    void shouldReconnectToTheSameEndpointWhenTheUpstreamComesBackWithoutAMove() throws Exception {
        String role = "lost";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a");
                LineClient client = LineClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            assertThat(client.ask("one")).isEqualTo("srv-a one");

            a.stop();
            Await.until("the connection switching", T, () -> meters(role).switchingConnections() == 1);
            client.send("two");
            Await.until("the line held", T, () -> meters(role).bufferedBytes() == 4);
            a.restart();

            assertThat(client.readLine()).isEqualTo("srv-a two");
            assertThat(a.lines()).containsExactly("one", "two");
            assertThat(a.connectionsAccepted()).isEqualTo(2);
            assertThat(meters(role).switchingConnections()).isZero();
        }
    }

    @Test
    void shouldPauseTheClientInsteadOfBufferingWhenTheUpstreamStalls() throws Exception {
        String role = "stalled";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); RawClient client = RawClient.connect(fixture.port(role))) {
            a.stall();
            control.runOn(role, a);
            Await.until("the gateway connected to srv-a", T, () -> a.connectionsAccepted() == 1);

            // The client fills every buffer on the way; the gateway must stop reading it rather than take more. On a
            // loaded machine the gateway's loop may be starved while the kernel absorbs megabytes, so wait for the
            // pause itself: once the stalled host's socket buffers are full it is permanent.
            long written = client.writeUntilBlocked(Duration.ofMillis(500), 512L * 1024 * 1024);
            Await.until("the gateway stopped reading the client", T, () -> meters(role).pausedClients() == 1);
            long held = meters(role).bufferedBytes();
            long writtenAgain = client.writeUntilBlocked(Duration.ofMillis(300), 512L * 1024 * 1024);
            Await.until("the gateway stopped reading the client", T, () -> meters(role).pausedClients() == 1);
            long heldAgain = meters(role).bufferedBytes();
            LOG.info("MEASURED stalled: client wrote {} bytes before blocking (+{} on a second try); the gateway held"
                    + " {} then {} bytes", written, writtenAgain - written, held, heldAgain);

            long bound = WRITE_QUEUE_HIGH + ONE_READ;
            assertThat(held).isLessThanOrEqualTo(bound);
            assertThat(heldAgain).isLessThanOrEqualTo(bound);
            assertThat(writtenAgain).as("the rest sits in the kernel's socket buffers, not in the gateway")
                    .isGreaterThan(2 * bound);

            a.unstall();
            Await.until("every byte at srv-a", T, () -> a.bytesReceived() == writtenAgain);
            assertThat(a.patternErrors()).isZero();
            Await.until("nothing held any more", T, () -> meters(role).bufferedBytes() == 0);
        }
    }

    @Test
    void shouldHoldAtMostTheSwitchBufferAndThenPauseTheClient(TestKafka kafka) throws Exception {
        String role = "held";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b");
                RawClient client = RawClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            Await.until("the gateway connected to srv-a", T, () -> a.connectionsAccepted() == 1);
            long epoch = control.beginMove(role, b);
            Await.until("the connection switching", T, () -> meters(role).switchingConnections() == 1);

            long written = client.writeUntilBlocked(Duration.ofMillis(500), 512L * 1024 * 1024);
            Await.until("the gateway stopped reading the client", T, () -> meters(role).pausedClients() == 1);
            long held = meters(role).bufferedBytes();
            LOG.info("MEASURED held: client wrote {} bytes during the move before blocking; the gateway held {}"
                    + " (limit {})", written, held, HOLD_LIMIT);
            assertThat(held).isBetween((long) HOLD_LIMIT, (long) HOLD_LIMIT + ONE_READ);

            control.completeMove(role, b);
            Await.until("every byte at srv-b", T, () -> b.bytesReceived() == written);
            assertThat(b.patternErrors()).isZero();
            assertThat(a.bytesReceived()).isZero();
            Await.until("nothing held any more", T, () -> meters(role).bufferedBytes() == 0);
            ProxyReconnected event = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnected.class,
                    e -> e.roleId().equals(role) && e.epoch() == epoch, T);
            assertThat(event.bytesBuffered()).isEqualTo(held);
        }
    }

    @Test
    void shouldShowRoutesHealthAndMetrics() throws Exception {
        String role = "admin";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a");
                LineClient client = LineClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            assertThat(client.ask("ping")).isEqualTo("srv-a ping");

            HttpResponse<String> denied = fixture.get("/api/v1/routes", false);
            assertThat(denied.statusCode()).isEqualTo(401);
            assertThat(new JsonObject(denied.body()).getInteger("code")).isEqualTo(401);

            JsonObject route = route(role);
            assertThat(route.getInteger("port")).isEqualTo(fixture.port(role));
            assertThat(route.getLong("epoch")).isEqualTo(1);
            assertThat(route.getString("server")).isEqualTo("srv-a");
            assertThat(route.getString("upstream")).isEqualTo(a.endpoint().toString());
            assertThat(route.getString("state")).isEqualTo("RUNNING");
            assertThat(route.getInteger("openConnections")).isEqualTo(1);
            assertThat(route.getJsonObject("connections").getInteger("forwarding")).isEqualTo(1);

            HttpResponse<String> ready = fixture.get("/health/ready", false);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(ready.body()).getBoolean("assignmentsRead")).isTrue();
            assertThat(fixture.get("/health/live", false).statusCode()).isEqualTo(200);

            String metrics = fixture.get("/metrics", false).body();
            assertThat(metrics).contains(
                    "baton_gateway_connections_open{role=\"admin\",service=\"proxy-gateway\"} 1.0",
                    "baton_gateway_forwarded_bytes_total{direction=\"upstream\",role=\"admin\"",
                    "baton_gateway_buffered_bytes{role=\"admin\"",
                    "baton_gateway_switches_total{cause=\"move\",role=\"admin\"",
                    "baton_gateway_switch_duration_seconds_bucket{role=\"admin\"",
                    "baton_gateway_reconnect_failures_total{role=\"admin\"",
                    "baton_gateway_connections_switching{role=\"admin\"");
        }
    }

    private static RoleMeters meters(String role) {
        return fixture.gateway().meters(role);
    }

    private static JsonObject route(String role) {
        return fixture.route(role);
    }
}
