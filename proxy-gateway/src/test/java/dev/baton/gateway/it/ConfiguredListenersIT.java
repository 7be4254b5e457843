package dev.baton.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.InFlightConfig;
import dev.baton.events.RoleConfigured;
import dev.baton.events.Topic;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.LineClient;
import dev.baton.testkit.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway opening, moving and closing listeners as RoleConfigured records give roles a gateway port, change it
 * or delete the role, against the real broker and without a restart (issue 13: "a role created through the API is
 * reachable through every gateway within a second").
 */
@ExtendWith(KafkaExtension.class)
class ConfiguredListenersIT {
    /** Issue 13's bound, from the record's publication to the listener accepting. */
    private static final Duration WITHIN_A_SECOND = Duration.ofSeconds(1);
    private static final Duration T = Duration.ofSeconds(15);

    private static TestKafka kafka;
    private static Vertx vertx;
    private static ScriptedControlPlane control;
    private static GatewayFixture fixture;
    private static int presetPort;

    @BeforeAll
    static void startGateway(TestKafka testKafka) throws Exception {
        kafka = testKafka;
        vertx = Vertx.vertx();
        control = new ScriptedControlPlane(kafka);
        presetPort = freePort();
        // Configured before the gateway starts: read from the beginning of the compacted topic.
        configure("preset", 1, presetPort);
        configure("pinned", 1, freePort());
        fixture = GatewayFixture.start(kafka, List.of("pinned"), Map.of());
    }

    @AfterAll
    static void stopGateway() {
        GatewayFixture.stop(fixture, vertx);
    }

    @Test
    void shouldListenAtStartForARoleConfiguredBefore() {
        assertThat(accepts(presetPort)).isTrue();
        assertThat(fixture.route("preset").getInteger("port")).isEqualTo(presetPort);
    }

    @Test
    void shouldOpenMoveAndCloseTheListenerAsTheRoleIsCreatedChangedAndDeleted() {
        try (SampleUpstream host = SampleUpstream.start(vertx, "srv-a")) {
            control.runOn("billing", host);
            int first = freePort();
            int second = freePort();

            configure("billing", 1, first);
            Await.until("billing listening on " + first, WITHIN_A_SECOND, () -> accepts(first));
            assertThat(LineClient.ask("127.0.0.1", first, "hello")).isEqualTo("srv-a hello");

            try (LineClient before = LineClient.connect("127.0.0.1", first)) {
                assertThat(before.ask("before")).isEqualTo("srv-a before");
                configure("billing", 2, second);
                Await.until("billing moved to " + second, WITHIN_A_SECOND, () -> accepts(second) && !accepts(first));
                assertThat(LineClient.ask("127.0.0.1", second, "moved")).isEqualTo("srv-a moved");
                assertThat(before.ask("after")).as("the old port's connection closed with its listener").isNull();
            }

            kafka.sendRaw(kafka.topic(Topic.CONFIG_EVENTS), "billing", null);
            Await.until("billing's listener closed", WITHIN_A_SECOND, () -> !accepts(second));
            Await.until("billing gone from the routes", T, () -> !routed("billing"));
        }
    }

    @Test
    void shouldGiveNewConnectionsTheInFlightPolicyOfTheRolesConfiguration() {
        int port = freePort();

        configure("orders", 1, port, new InFlightConfig("replay", 1000));
        Await.until("orders listening with replay", WITHIN_A_SECOND,
                () -> accepts(port) && "replay (up to 1000 bytes)".equals(inFlight("orders")));

        configure("orders", 2, port, new InFlightConfig("repoint", null));
        Await.until("orders' policy changed", WITHIN_A_SECOND, () -> "repoint".equals(inFlight("orders")));

        configure("orders", 3, port, null);
        Await.until("orders back on the gateway's own policy", WITHIN_A_SECOND, () -> "close".equals(inFlight("orders")));
        assertThat(accepts(port)).as("the listener stayed open throughout").isTrue();
    }

    @Test
    void shouldKeepTheStaticRouteOfARoleWhateverItsConfigurationSays() {
        int staticPort = fixture.port("pinned");
        int configured = freePort();

        configure("pinned", 2, configured, new InFlightConfig("replay", null));
        configure("marker", 1, freePort());
        Await.until("the configuration after pinned's read", T, () -> routed("marker"));

        assertThat(fixture.port("pinned")).isEqualTo(staticPort);
        assertThat(inFlight("pinned")).as("the static route's policy wins").isEqualTo("close");
        assertThat(accepts(configured)).isFalse();
    }

    @Test
    void shouldShowAPortThatCannotBeBoundInTheRoutesAndTheReadiness() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();

            configure("blocked", 1, port);

            String problem = Await.until("blocked's problem in the routes", T,
                    () -> routed("blocked") ? fixture.route("blocked").getString("problem") : null,
                    reason -> reason != null);
            assertThat(problem).startsWith("cannot listen on 127.0.0.1:" + port + ": ").contains("attempt 1");
            assertThat(fixture.route("blocked").getValue("port")).isNull();
            JsonObject ready = new JsonObject(fixture.get("/health/ready", false).body());
            assertThat(ready.encode()).contains("listenerProblems").contains("blocked");
        }
    }

    @Test
    void shouldRetryAFailedBindWithoutAConfigurationChange() throws IOException {
        int port;
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            port = taken.getLocalPort();
            configure("retried", 1, port);
            Await.until("retried's failed bind in the routes", T,
                    () -> routed("retried") && fixture.route("retried").getString("problem") != null);
        }

        // The port is free again; nothing else changes.
        Await.until("retried listening on its port after a retry", T,
                () -> Integer.valueOf(port).equals(fixture.route("retried").getInteger("port")));
        assertThat(fixture.route("retried").getString("problem")).isNull();
        assertThat(accepts(port)).isTrue();
    }

    @Test
    void shouldRefuseASecondRoleOnAPortAnotherRoleListensOn() {
        int port = freePort();
        configure("first", 1, port);
        Await.until("first listening", T, () -> accepts(port));

        configure("second", 1, port);

        String problem = Await.until("second's problem in the routes", T,
                () -> routed("second") ? fixture.route("second").getString("problem") : null, reason -> reason != null);
        assertThat(problem).isEqualTo("port " + port + " is taken by role first; waiting for it to be free");
        assertThat(fixture.route("first").getInteger("port")).isEqualTo(port);
    }

    private static void configure(String roleId, long version, int gatewayPort) {
        configure(roleId, version, gatewayPort, null);
    }

    private static void configure(String roleId, long version, int gatewayPort, InFlightConfig inFlight) {
        kafka.send(new RoleConfigured(UUID.randomUUID(), Instant.now(), roleId, version, List.of("srv-a"), false, 0,
                null, null, "it", gatewayPort, inFlight, null));
    }

    private static String inFlight(String roleId) {
        return fixture.route(roleId).getString("inFlight");
    }

    private static boolean routed(String roleId) {
        return fixture.get("/api/v1/routes", true).body().contains("\"roleId\":\"" + roleId + "\"");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
