package dev.baton.placement.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.RoleMoved;
import dev.baton.events.ServerKind;
import dev.baton.events.Topic;
import dev.baton.placement.PlacementService;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({KafkaExtension.class, PostgresExtension.class})
class PlacementRestartIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Test
    void shouldRebuildItsStateAndEmitNoSpuriousMoveWhenRestarted(TestKafka kafka, TestDatabase database) {
        try (SimulatedAgent a = new SimulatedAgent(kafka, "rs-a", ServerKind.EXPANSION);
             SimulatedAgent b = new SimulatedAgent(kafka, "rs-b", ServerKind.EXPANSION)) {
            long epochBefore;
            try (PlacementService first = PlacementFixture.start(kafka, database, "placement-first")) {
                AdminClient admin = new AdminClient(first.httpPort(), PlacementFixture.TOKEN);
                Await.until("servers registered", TIMEOUT,
                        () -> admin.ok("GET", "/api/v1/servers", null).contains("\"" + b.serverId() + "\""));
                admin.ok("POST", "/api/v1/roles", PlacementFixture.roleJson("rs-role", true, 0, "rs-a", "rs-b"));
                kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class, m -> m.roleId().equals("rs-role"), TIMEOUT);
                Await.until("rs-a runs the role", TIMEOUT, () -> a.hosts("rs-role"));
                epochBefore = first.snapshot().assignments().find("rs-role").epoch();
            }

            try (PlacementService second = PlacementFixture.start(kafka, database, "placement-second")) {
                Await.until("the restarted placement is ready", TIMEOUT, () -> second.snapshot().view().ready());
                // For a while after it is ready, the role stays where it is, at the same epoch.
                Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(6)).until(() ->
                        second.snapshot().assignments().find("rs-role").epoch() == epochBefore);
                assertThat(second.snapshot().hostOf("rs-role")).contains("rs-a");
            }

            List<RoleMoved> moves = kafka.readAll(Topic.ROLE_EVENTS, TIMEOUT).stream()
                    .map(kafka::decode)
                    .filter(RoleMoved.class::isInstance).map(RoleMoved.class::cast)
                    .filter(m -> m.roleId().equals("rs-role"))
                    .toList();
            assertThat(moves).hasSize(1);
            assertThat(moves.get(0).epoch()).isEqualTo(epochBefore);
        }
    }
}
