package dev.baton.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.ProxyReconnectFailed;
import dev.baton.events.Topic;
import dev.baton.testkit.LineClient;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.TestKafka;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Switches that cannot complete: a gateway with a one-second switch timeout closes the client and says why. */
@ExtendWith(KafkaExtension.class)
class GatewaySwitchTimeoutIT {
    private static final Duration T = Duration.ofSeconds(15);

    private static GatewayFixture fixture;
    private static Vertx vertx;
    private static ScriptedControlPlane control;

    @BeforeAll
    static void startGateway(TestKafka kafka) throws Exception {
        vertx = Vertx.vertx();
        control = new ScriptedControlPlane(kafka);
        fixture = GatewayFixture.start(kafka, List.of("never", "refused", "unplaced"), Map.of(
                "switch.timeout", "1s",
                "connect.timeout", "500ms",
                // The clients here were just answered and must switch, not be closed as possibly awaiting: judged by
                // the unanswered bytes alone (the quiet interval is GatewayInFlightIT's and GatewayRedisIT's).
                "inflight.quiet", "0ms"));
    }

    @AfterAll
    static void stopGateway() {
        GatewayFixture.stop(fixture, vertx);
    }

    @Test
    void shouldCloseTheClientAndPublishProxyReconnectFailedWhenNoHostRunsTheRoleInTime(TestKafka kafka)
            throws Exception {
        String role = "never";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b");
                LineClient client = LineClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            assertThat(client.ask("one")).isEqualTo("srv-a one");

            // Timed from before the move is published: the gateway cannot see it earlier than that.
            long started = System.nanoTime();
            long epoch = control.beginMove(role, b);

            assertThat(client.awaitClosedByPeer()).as("the gateway closed the client").isTrue();
            long closedAfterMs = (System.nanoTime() - started) / 1_000_000;
            ProxyReconnectFailed failed = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnectFailed.class,
                    e -> e.roleId().equals(role), T);
            assertThat(failed.epoch()).isEqualTo(epoch);
            assertThat(failed.connectionsClosed()).isEqualTo(1);
            assertThat(failed.gatewayId()).isEqualTo("gw-it");
            assertThat(failed.reason()).isEqualTo("no host reported the role RUNNING at epoch " + epoch + " within 1000 ms");
            assertThat(closedAfterMs).as("closed after the switch timeout, not before").isGreaterThanOrEqualTo(950);
            assertThat(b.connectionsAccepted()).isZero();
            Await.until("the connection forgotten", T,
                    () -> fixture.gateway().meters(role).openConnections() == 0);
            assertThat(fixture.gateway().meters(role).bufferedBytes()).isZero();
        }
    }

    @Test
    void shouldCloseTheClientWhenTheNewHostRefusesConnectionsUntilTheTimeout(TestKafka kafka) throws Exception {
        String role = "refused";
        try (SampleUpstream a = SampleUpstream.start(vertx, "srv-a"); SampleUpstream b = SampleUpstream.start(vertx, "srv-b");
                LineClient client = LineClient.connect(fixture.port(role))) {
            control.runOn(role, a);
            assertThat(client.ask("one")).isEqualTo("srv-a one");
            b.stop(); // srv-b reports RUNNING on a port nothing listens on

            control.beginMove(role, b);
            control.completeMove(role, b);
            client.send("lost with the connection");

            assertThat(client.awaitClosedByPeer()).isTrue();
            ProxyReconnectFailed failed = kafka.awaitEvent(Topic.PROXY_EVENTS, ProxyReconnectFailed.class,
                    e -> e.roleId().equals(role), T);
            assertThat(failed.reason()).startsWith(b.endpoint() + " did not accept a connection within the switch"
                    + " timeout of 1000 ms").contains("Connection refused");
            assertThat(fixture.gateway().meters(role).bufferedBytes()).isZero();
        }
    }

    @Test
    void shouldCloseANewClientOfARoleThatIsNotPlaced() throws Exception {
        try (LineClient client = LineClient.connect(fixture.port("unplaced"))) {
            client.send("anyone?");

            assertThat(client.awaitClosedByPeer()).isTrue();
            Await.until("the connection forgotten", T,
                    () -> fixture.gateway().meters("unplaced").openConnections() == 0);
        }
    }
}
