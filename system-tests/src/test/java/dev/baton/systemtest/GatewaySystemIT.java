package dev.baton.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.HeartbeatAgent;
import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import dev.baton.events.ProxyReconnectFailed;
import dev.baton.events.ProxyReconnected;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.RoleUnplaced;
import dev.baton.events.Topic;
import dev.baton.testkit.LineClient;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
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
 * The proxy-gateway in front of real roles: the real placement-service, real heartbeat-agents running the built-in
 * sample plugin, and two gateways in this JVM on the real broker. Clients connect to the gateway and never to a
 * server; the roles move because their hosts go away, or by the admin API.
 */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewaySystemIT {
    private static final Logger LOG = LoggerFactory.getLogger(GatewaySystemIT.class);
    private static final Duration T = Duration.ofSeconds(30);
    private static final String FOLLOW = "gw-follow";
    private static final String ORDER = "gw-order";
    private static final String STALE = "gw-stale";
    private static final String LOST = "gw-lost";
    /**
     * The impatient gateway's switch timeout: longer than it takes to declare a host DOWN (so it is the unplacement the
     * switch waits on when it gives up), much shorter than the default 10 s.
     */
    private static final Duration SHORT_SWITCH = Timing.FAILURE_TIMEOUT.multipliedBy(2);

    private final TestKafka kafka;
    private final RoleEvents events;
    private Placement placement;
    private Gateway gateway;
    private Gateway impatient;
    private Agents agents;

    @TempDir
    Path workDir;

    GatewaySystemIT(TestKafka kafka) {
        this.kafka = kafka;
        this.events = new RoleEvents(kafka);
    }

    @BeforeAll
    void start(TestDatabase database) {
        placement = Placement.start(kafka, database);
        // These tests follow one request at a time and move the role right after its answer: judged by the unanswered
        // bytes alone (the quiet interval's judgement is GatewayInFlightIT's, GatewayRedisIT's and
        // GatewayInFlightSystemIT's). The writer of ORDER streams without waiting for answers: it is re-pointed with
        // whatever the old host did not answer.
        gateway = Gateway.start(kafka, "gw-main", List.of(FOLLOW, ORDER, STALE), Map.of(
                "inflight.quiet", "0ms",
                "inflight.policy.roles", ORDER + ":repoint"));
        impatient = Gateway.start(kafka, "gw-impatient", List.of(LOST), Map.of(
                "switch.timeout", Timing.millis(SHORT_SWITCH),
                "connect.timeout", "500ms",
                "inflight.quiet", "0ms"));
    }

    @BeforeEach
    void newAgents() {
        agents = new Agents(kafka.bootstrapServers(), kafka.namespace(), workDir);
    }

    @AfterEach
    void stopAgents() {
        agents.close();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {impatient, gateway, placement}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.warn("Closing {}: {}", closeable, e.toString());
                }
            }
        }
    }

    @Test
    void shouldMakeARoleCreatedThroughTheApiReachableThroughEveryGatewayWithinASecond() throws Exception {
        agents.inProcess("g9-a");
        placement.awaitRegistered("g9-a");
        int port = freePort();
        // Given a third gateway on another loopback address, so that two gateways can listen on the same port; the
        // two on 127.0.0.1 compete for it, and the one that loses says so
        try (Gateway other = Gateway.start(kafka, "gw-other", List.of(), Map.of("listen.host", "127.0.0.2"))) {
            // When a role is created through the API with a gateway port
            placement.createRole(Placement.role("gw-created", "g9-a").put("gatewayPort", port));
            long created = System.nanoTime();

            // Then both addresses listen within a second of the API's answer, without a restart
            Await.until("gateways listening on the created role's port", Duration.ofSeconds(1),
                    () -> Ports.accepts(new Endpoint("127.0.0.1", port)) && Ports.accepts(new Endpoint("127.0.0.2", port)));
            LOG.info("MEASURED endpoint of a created role: listening on every gateway {} ms after the API answered",
                    (System.nanoTime() - created) / 1_000_000);
            assertThat(other.route("gw-created").path("port").asInt()).isEqualTo(port);
            events.state("gw-created", "g9-a", 1, RoleState.RUNNING);
            for (String host : List.of("127.0.0.1", "127.0.0.2")) {
                Awaitility.await().atMost(T).untilAsserted(() ->
                        assertThat(LineClient.ask(host, port, "hello")).isEqualTo("g9-a hello"));
            }
            Await.until("the gateway that lost the port says why", T, () -> Stream.of(gateway, impatient)
                    .anyMatch(g -> g.route("gw-created").path("problem").asText("").startsWith("cannot listen on")));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldKeepTheClientsConnectionAcrossAFailoverAndHaveItAnsweredByTheNewHost() {
        AgentProcess a = agents.process("g1-a");
        agents.inProcess("g1-b");
        placement.awaitRegistered("g1-a", "g1-b");
        placement.createRole(Placement.role(FOLLOW, "g1-a", "g1-b"));
        events.state(FOLLOW, "g1-a", 1, RoleState.RUNNING);

        try (LineClient client = LineClient.connect(gateway.port(FOLLOW))) {
            int clientPort = client.localPort();
            assertThat(client.ask("before")).isEqualTo("g1-a before");

            // When A's host dies (kill -9 of its agent, the built-in plugin with it)
            a.kill9();
            Await.until("the gateway holds the connection without an upstream", T,
                    () -> gateway.meters(FOLLOW).switchingConnections() == 1);

            // Then the same connection is answered by B once the role runs there
            assertThat(client.ask("after")).isEqualTo("g1-b after");
            assertThat(client.ask("again")).isEqualTo("g1-b again");
            assertThat(client.localPort()).as("the same TCP connection").isEqualTo(clientPort);
            assertThat(gateway.meters(FOLLOW).openConnections()).isEqualTo(1);
        }
        RoleMoved failover = events.move(FOLLOW, 2);
        assertThat(failover.reason()).isEqualTo(MoveReason.FAILOVER);
        assertThat(failover.to()).isEqualTo("g1-b");
        ProxyReconnected reconnected = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnected.class,
                e -> e.roleId().equals(FOLLOW) && e.epoch() == 2, T);
        assertThat(reconnected.gatewayId()).isEqualTo("gw-main");
        assertThat(reconnected.connectionsMoved()).isEqualTo(1);
        assertThat(reconnected.bytesBuffered()).as("'after\\n', held while the role moved").isEqualTo(6);
        LOG.info("MEASURED gateway failover: RoleMoved -> the client's connection forwarding to B in {} ms",
                reconnected.reconnectMillis());
    }

    @Test
    void shouldDeliverTheLinesSentWhileTheRoleMovesToTheNewHostInOrderAndExactlyOnce() {
        HeartbeatAgent a = agents.inProcess("g2-a");
        agents.inProcess("g2-b");
        placement.awaitRegistered("g2-a", "g2-b");
        placement.createRole(Placement.role(ORDER, "g2-a", "g2-b"));
        events.state(ORDER, "g2-a", 1, RoleState.RUNNING);
        int lines = 200;
        long heldBytes = 0;

        try (LineClient client = LineClient.connect(gateway.port(ORDER))) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.ask("before-" + i)).isEqualTo("g2-a before-" + i);
            }

            // When A's agent stops (its heartbeats end; the placement fails the role over)
            a.close();
            Await.until("the gateway holds the connection without an upstream", T,
                    () -> gateway.meters(ORDER).switchingConnections() == 1);
            // and the client goes on sending while the role moves
            for (int i = 0; i < lines; i++) {
                String line = "moving-" + i;
                client.send(line);
                heldBytes += (line + "\n").getBytes(StandardCharsets.UTF_8).length;
            }
            Instant sentAt = Instant.now();

            // Then B answers each of them once, in the order sent, then what follows
            for (int i = 0; i < lines; i++) {
                assertThat(client.readLine()).isEqualTo("g2-b moving-" + i);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(client.ask("after-" + i)).as("nothing between the held lines and the next answer")
                        .isEqualTo("g2-b after-" + i);
            }
            RoleStateChanged runningOnB = events.state(ORDER, "g2-b", 2, RoleState.RUNNING);
            assertThat(sentAt).as("every line was sent before B ran the role").isBefore(runningOnB.occurredAt());
        }
        assertThat(events.move(ORDER, 2).reason()).isEqualTo(MoveReason.FAILOVER);
        ProxyReconnected reconnected = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnected.class,
                e -> e.roleId().equals(ORDER) && e.epoch() == 2, T);
        assertThat(reconnected.connectionsMoved()).isEqualTo(1);
        assertThat(reconnected.bytesBuffered()).as("every line sent during the move, held by the gateway")
                .isEqualTo(heldBytes);
    }

    @Test
    void shouldCloseTheClientAndPublishProxyReconnectFailedWhenTheRoleCannotMoveAnywhere() {
        HeartbeatAgent a = agents.inProcess("g3-a");
        HeartbeatAgent b = agents.inProcess("g3-b");
        placement.awaitRegistered("g3-a", "g3-b");
        placement.createRole(Placement.role(LOST, "g3-a", "g3-b"));
        events.state(LOST, "g3-a", 1, RoleState.RUNNING);
        // The only other server of the role is down
        b.close();
        Await.until("g3-b DOWN", T, () -> "DOWN".equals(placement.serverState("g3-b")));

        try (LineClient client = LineClient.connect(impatient.port(LOST))) {
            assertThat(client.ask("one")).isEqualTo("g3-a one");

            // When the role's host goes away too
            a.close();

            // Then the role is unplaced (RoleUnplaced names the epoch that ended; the assignment without a server
            // is the next one), and the gateway gives up on the switch: it closes the client
            RoleUnplaced unplaced = events.unplaced(LOST);
            assertThat(unplaced.epoch()).isEqualTo(1);
            assertThat(unplaced.from()).isEqualTo("g3-a");
            RoleAssignment nowhere = kafka.awaitEvent(Topic.ROLE_ASSIGNMENTS, RoleAssignment.class,
                    r -> r.roleId().equals(LOST) && r.serverId() == null, T);
            assertThat(nowhere.epoch()).isEqualTo(2);
            assertThat(client.awaitClosedByPeer()).as("the gateway closed the client").isTrue();
            ProxyReconnectFailed failed = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnectFailed.class,
                    e -> e.roleId().equals(LOST), T);
            assertThat(failed.gatewayId()).isEqualTo("gw-impatient");
            assertThat(failed.epoch()).isEqualTo(nowhere.epoch());
            assertThat(failed.connectionsClosed()).isEqualTo(1);
            assertThat(failed.reason()).isEqualTo("no host reported the role RUNNING at epoch " + nowhere.epoch()
                    + " within " + SHORT_SWITCH.toMillis() + " ms");
        }
        Await.until("the connection forgotten", T, () -> impatient.meters(LOST).openConnections() == 0);
        assertThat(impatient.meters(LOST).bufferedBytes()).isZero();
        assertThat(impatient.route(LOST).path("state").asText()).isEqualTo("UNPLACED");
    }

    @Test
    void shouldNotRepointConnectionsOnAStaleAssignment() {
        agents.inProcess("g4-a");
        agents.inProcess("g4-b");
        placement.awaitRegistered("g4-a", "g4-b");
        placement.createRole(Placement.role(STALE, "g4-a", "g4-b"));
        events.state(STALE, "g4-a", 1, RoleState.RUNNING);
        placement.move(STALE, "g4-b");
        assertThat(events.move(STALE, 2).reason()).isEqualTo(MoveReason.MANUAL);
        RoleStateChanged onB = events.state(STALE, "g4-b", 2, RoleState.RUNNING);
        Await.until("the gateway routes to g4-b at epoch 2", T, () -> {
            JsonNode route = gateway.route(STALE);
            return route.path("epoch").asLong() == 2 && onB.endpoint().toString().equals(route.path("upstream").asText());
        });

        try (Decoy decoy = Decoy.open(); LineClient client = LineClient.connect(gateway.port(STALE))) {
            assertThat(client.ask("x")).isEqualTo("g4-b x");
            long staleBefore = gateway.meters(STALE).staleEvents();

            // When a replayed decision for epoch 1, and a report to match, point the role back at A (a decoy port)
            kafka.send(new RoleAssignment(UUID.randomUUID(), Instant.now(), STALE, 1, "g4-a", decoy.endpoint(),
                    MoveReason.INITIAL));
            kafka.send(new RoleStateChanged(UUID.randomUUID(), Instant.now(), STALE, "g4-a", 1, RoleState.RUNNING,
                    decoy.endpoint(), "replayed"));
            Await.until("both stale events read by the gateway", T,
                    () -> gateway.meters(STALE).staleEvents() == staleBefore + 2);

            // Then connections, old and new, stay with B
            assertThat(client.ask("y")).isEqualTo("g4-b y");
            try (LineClient late = LineClient.connect(gateway.port(STALE))) {
                assertThat(late.ask("z")).isEqualTo("g4-b z");
            }
            assertThat(decoy.accepted()).isZero();
            JsonNode route = gateway.route(STALE);
            assertThat(route.path("epoch").asLong()).isEqualTo(2);
            assertThat(route.path("server").asText()).isEqualTo("g4-b");
            assertThat(route.path("upstream").asText()).isEqualTo(onB.endpoint().toString());

            // And neither the agents nor the placement take the stale assignment either
            Awaitility.await("the role stays on g4-b").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        JsonNode role = placement.role(STALE);
                        return role.path("hostingServer").asText() + "@" + role.path("epoch").asLong();
                    }, "g4-b@2"::equals);
            // (the last RUNNING@1 is the test's replayed report)
            assertThat(events.statesOf(STALE, "g4-a")).as("A did not start the role again")
                    .containsExactly("STARTING@1", "RUNNING@1", "STOPPED@1", "RUNNING@1");
            assertThat(client.ask("still")).isEqualTo("g4-b still");
        }
    }
}
