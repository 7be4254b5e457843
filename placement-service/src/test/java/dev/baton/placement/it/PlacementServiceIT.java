package dev.baton.placement.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.DeadLetter;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleUnplaced;
import dev.baton.events.ServerDown;
import dev.baton.events.ServerKind;
import dev.baton.events.ServerUp;
import dev.baton.events.Topic;
import dev.baton.placement.PlacementService;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The placement-service against the real broker and database, with simulated agents heartbeating on the real
 * heartbeat topic. Each test uses its own servers and role, so they share one running instance.
 */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlacementServiceIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final TestKafka kafka;
    private PlacementService placement;
    private AdminClient admin;
    private final List<SimulatedAgent> agents = new ArrayList<>();

    PlacementServiceIT(TestKafka kafka) {
        this.kafka = kafka;
    }

    @BeforeAll
    void startPlacement(TestDatabase database) {
        placement = PlacementFixture.start(kafka, database, "placement-it");
        admin = new AdminClient(placement.httpPort(), PlacementFixture.TOKEN);
    }

    @AfterEach
    void stopAgents() {
        agents.forEach(SimulatedAgent::close);
        agents.clear();
    }

    @AfterAll
    void stopPlacement() {
        placement.close();
    }

    private SimulatedAgent agent(String serverId) {
        SimulatedAgent agent = new SimulatedAgent(kafka, serverId, ServerKind.EXPANSION);
        agents.add(agent);
        return agent;
    }

    private void awaitServersKnown(String... serverIds) {
        Await.until("servers registered", TIMEOUT, () -> {
            String body = admin.ok("GET", "/api/v1/servers", null);
            for (String serverId : serverIds) {
                if (!body.contains("\"" + serverId + "\"")) {
                    return false;
                }
            }
            return true;
        });
    }

    private RoleMoved awaitMove(String roleId, long epoch) {
        return kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                m -> m.roleId().equals(roleId) && m.epoch() == epoch, TIMEOUT);
    }

    @Test
    void shouldMoveRoleToNextServerWhenPrimaryStopsBeating() {
        SimulatedAgent a = agent("fo-a");
        agent("fo-b");
        agent("fo-c");
        awaitServersKnown("fo-a", "fo-b", "fo-c");
        admin.ok("POST", "/api/v1/roles", PlacementFixture.roleJson("fo-role", false, 0, "fo-a", "fo-b", "fo-c"));

        RoleMoved initial = awaitMove("fo-role", 1);
        assertThat(initial.reason()).isEqualTo(MoveReason.INITIAL);
        assertThat(initial.to()).isEqualTo("fo-a");
        Await.until("fo-a hosts the role", TIMEOUT, () -> a.hosts("fo-role"));

        a.silence();

        RoleMoved failover = awaitMove("fo-role", 2);
        assertThat(failover.reason()).isEqualTo(MoveReason.FAILOVER);
        assertThat(failover.from()).isEqualTo("fo-a");
        assertThat(failover.to()).isEqualTo("fo-b");
        assertThat(failover.detectedAt()).isNotNull();
        assertThat(failover.cause()).contains("fo-a");
        ServerDown down = kafka.awaitEvent(Topic.SERVER_EVENTS, ServerDown.class, d -> d.serverId().equals("fo-a"), TIMEOUT);
        assertThat(down.lastHeartbeatAt()).isBefore(failover.decidedAt());
        RoleAssignment assignment = kafka.awaitEvent(Topic.ROLE_ASSIGNMENTS, RoleAssignment.class,
                r -> r.roleId().equals("fo-role") && r.epoch() == 2, TIMEOUT);
        assertThat(assignment.serverId()).isEqualTo("fo-b");
    }

    @Test
    void shouldStayOnSecondaryWhenPrimaryReturnsWithoutForceHighestPriority() {
        SimulatedAgent a = agent("st-a");
        agent("st-b");
        awaitServersKnown("st-a", "st-b");
        admin.ok("POST", "/api/v1/roles", PlacementFixture.roleJson("st-role", false, 200, "st-a", "st-b"));
        awaitMove("st-role", 1);
        a.silence();
        assertThat(awaitMove("st-role", 2).to()).isEqualTo("st-b");

        a.start();
        kafka.awaitEvent(Topic.SERVER_EVENTS, ServerUp.class, u -> u.serverId().equals("st-a"), TIMEOUT);

        // Well past the 200 ms stabilization delay, the role must still be on st-b at epoch 2.
        Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> placement.snapshot().assignments().find("st-role").epoch() == 2);
        assertThat(placement.snapshot().hostOf("st-role")).contains("st-b");
    }

    @Test
    void shouldFailBackToHighestPriorityServerWhenForced() {
        SimulatedAgent a = agent("fb-a");
        agent("fb-b");
        awaitServersKnown("fb-a", "fb-b");
        admin.ok("POST", "/api/v1/roles", PlacementFixture.roleJson("fb-role", true, 300, "fb-a", "fb-b"));
        awaitMove("fb-role", 1);
        a.silence();
        assertThat(awaitMove("fb-role", 2).to()).isEqualTo("fb-b");

        a.start();

        RoleMoved failback = awaitMove("fb-role", 3);
        assertThat(failback.reason()).isEqualTo(MoveReason.FAILBACK);
        assertThat(failback.from()).isEqualTo("fb-b");
        assertThat(failback.to()).isEqualTo("fb-a");
    }

    @Test
    void shouldLeaveAServerPutIntoMaintenance() {
        agent("mt-a");
        agent("mt-b");
        awaitServersKnown("mt-a", "mt-b");
        admin.ok("POST", "/api/v1/roles", PlacementFixture.roleJson("mt-role", false, 0, "mt-a", "mt-b"));
        assertThat(awaitMove("mt-role", 1).to()).isEqualTo("mt-a");

        admin.ok("PUT", "/api/v1/servers/mt-a/maintenance", "{\"on\":true}");

        RoleMoved planned = awaitMove("mt-role", 2);
        assertThat(planned.reason()).isEqualTo(MoveReason.MAINTENANCE);
        assertThat(planned.to()).isEqualTo("mt-b");
    }

    @Test
    void shouldUnassignADeletedRoleSoItsHostStopsIt() {
        agent("del-a");
        awaitServersKnown("del-a");
        admin.ok("POST", "/api/v1/roles", PlacementFixture.roleJson("del-role", false, 0, "del-a"));
        assertThat(awaitMove("del-role", 1).to()).isEqualTo("del-a");

        admin.ok("DELETE", "/api/v1/roles/del-role", null);

        RoleUnplaced unplaced = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleUnplaced.class,
                e -> e.roleId().equals("del-role"), Duration.ofSeconds(10));
        assertThat(unplaced.cause()).isEqualTo("role del-role was deleted from the configuration; del-a stops it");
        RoleAssignment assignment = kafka.awaitEvent(Topic.ROLE_ASSIGNMENTS, RoleAssignment.class,
                e -> e.roleId().equals("del-role") && e.epoch() == 2, Duration.ofSeconds(10));
        assertThat(assignment.serverId()).as("no server: the old host stops the role").isNull();
    }

    @Test
    void shouldNotPlaceARoleOnAServerThatCannotReachItsDatabase() {
        SimulatedAgent a = agent("db-a");
        a.reachDatabase("db-role", false);
        agent("db-b");
        awaitServersKnown("db-a", "db-b");

        admin.ok("POST", "/api/v1/roles", PlacementFixture.roleJson("db-role", false, 0, "db-a", "db-b"));

        RoleMoved initial = awaitMove("db-role", 1);
        assertThat(initial.to()).isEqualTo("db-b");
    }

    @Test
    void shouldSendAMalformedHeartbeatToDeadLettersAndKeepFailingOver() {
        SimulatedAgent a = agent("dl-a");
        agent("dl-b");
        awaitServersKnown("dl-a", "dl-b");
        admin.ok("POST", "/api/v1/roles", PlacementFixture.roleJson("dl-role", false, 0, "dl-a", "dl-b"));
        awaitMove("dl-role", 1);

        kafka.sendRaw(kafka.topic(Topic.HEARTBEATS), "dl-a", "{\"type\":\"Heartbeat\",\"schemaVersion\":1"
                .getBytes(StandardCharsets.UTF_8));
        kafka.sendRaw(kafka.topic(Topic.HEARTBEATS), "dl-a", "{\"type\":\"Heartbeat\",\"schemaVersion\":9}"
                .getBytes(StandardCharsets.UTF_8));

        DeadLetter malformed = kafka.awaitEvent(Topic.DEAD_LETTERS, DeadLetter.class,
                d -> d.reason().startsWith("malformed JSON"), TIMEOUT);
        assertThat(malformed.key()).isEqualTo("dl-a");
        assertThat(malformed.sourceTopic()).isEqualTo(kafka.topic(Topic.HEARTBEATS));
        DeadLetter unsupported = kafka.awaitEvent(Topic.DEAD_LETTERS, DeadLetter.class,
                d -> d.reason().contains("schemaVersion 9"), TIMEOUT);
        assertThat(unsupported.payload()).contains("\"schemaVersion\":9");

        a.silence();
        assertThat(awaitMove("dl-role", 2).to()).isEqualTo("dl-b");
    }
}
