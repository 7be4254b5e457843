package dev.baton.placement.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.MoveReason;
import dev.baton.events.RoleMoved;
import dev.baton.events.ServerKind;
import dev.baton.events.Topic;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several placement-service instances as separate processes against one broker and database: one leads, the
 * others stand by; killing or freezing the leader hands the lead over without a lost or doubled decision.
 */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
class ControlPlaneFailoverIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        closeables.clear();
    }

    private PlacementProcess instance(TestKafka kafka, TestDatabase database, String instanceId) {
        // A generous failure timeout: these tests are about the control plane, and a test JVM starved of CPU must
        // not make its simulated servers look dead.
        PlacementProcess process = PlacementProcess.start(kafka, database, instanceId, Map.of("failure.timeout", "1500ms"));
        closeables.add(process);
        return process;
    }

    private SimulatedAgent agent(TestKafka kafka, String serverId) {
        SimulatedAgent agent = new SimulatedAgent(kafka, serverId, ServerKind.EXPANSION);
        closeables.add(agent);
        return agent;
    }

    /**
     * How long an election outcome must hold before a test relies on it. Instances started together may both claim
     * a term for a moment (the rules resolve it within a few leader timeouts of 700 ms); a test that asserts who
     * leads waits until that is over.
     */
    private static final Duration SETTLED = Duration.ofSeconds(3);

    private static PlacementProcess awaitLeader(List<PlacementProcess> instances) {
        return Await.untilStable("one instance leads", TIMEOUT, SETTLED, () -> {
            List<PlacementProcess> leaders = instances.stream().filter(PlacementProcess::alive)
                    .filter(PlacementProcess::leads).toList();
            return leaders.size() == 1 ? leaders.get(0) : null;
        });
    }

    /** Waits until one instance leads and the other names it as the leader, settled: [leader, standby]. */
    private static List<PlacementProcess> awaitLeaderAndStandby(PlacementProcess first, PlacementProcess second) {
        return Await.untilStable("one leads and the other follows it", TIMEOUT, SETTLED, () -> {
            String firstReady = first.readiness();
            String secondReady = second.readiness();
            boolean firstLeads = firstReady.contains("\"leader\":true");
            boolean secondLeads = secondReady.contains("\"leader\":true");
            if (firstLeads == secondLeads) {
                return null;
            }
            PlacementProcess leading = firstLeads ? first : second;
            String otherReady = firstLeads ? secondReady : firstReady;
            return otherReady.contains("\"leaderId\":\"" + leading.instanceId() + "\"")
                    ? List.of(leading, firstLeads ? second : first) : null;
        });
    }

    private static AdminClient admin(PlacementProcess instance) {
        return new AdminClient(instance.httpPort(), PlacementFixture.TOKEN);
    }

    private static void createRole(PlacementProcess via, String roleId, String... servers) {
        AdminClient admin = admin(via);
        Await.until("servers registered", TIMEOUT, () -> {
            String body = admin.ok("GET", "/api/v1/servers", null);
            for (String server : servers) {
                if (!body.contains("\"" + server + "\"")) {
                    return false;
                }
            }
            return true;
        });
        admin.ok("POST", "/api/v1/roles", PlacementFixture.roleJson(roleId, false, 0, servers));
    }

    private static List<RoleMoved> moves(TestKafka kafka, String roleId) {
        return kafka.readAll(Topic.ROLE_EVENTS, TIMEOUT).stream()
                .map(kafka::decode)
                .filter(RoleMoved.class::isInstance).map(RoleMoved.class::cast)
                .filter(m -> m.roleId().equals(roleId))
                .toList();
    }

    private static void assertEpochsStrictlyIncrease(List<RoleMoved> moves) {
        for (int i = 1; i < moves.size(); i++) {
            assertThat(moves.get(i).epoch()).as("epochs of %s in order: %s", moves.get(i).roleId(),
                    moves.stream().map(m -> m.epoch() + "->" + m.to()).collect(Collectors.joining(", ")))
                    .isGreaterThan(moves.get(i - 1).epoch());
        }
    }

    @Test
    void shouldMakeAStandbyLeadWithinTwoSecondsOfKillingTheLeader(TestKafka kafka, TestDatabase database) {
        PlacementProcess first = instance(kafka, database, "kill-1");
        PlacementProcess second = instance(kafka, database, "kill-2");
        SimulatedAgent a = agent(kafka, "kl-a");
        agent(kafka, "kl-b");
        List<PlacementProcess> pair = awaitLeaderAndStandby(first, second);
        PlacementProcess leader = pair.get(0);
        PlacementProcess standby = pair.get(1);
        createRole(standby, "kl-role", "kl-a", "kl-b");
        kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class, m -> m.roleId().equals("kl-role"), TIMEOUT);

        long killedAt = System.nanoTime();
        leader.kill();
        Await.until("the standby leads", Duration.ofSeconds(5), standby::leads);
        long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
        assertThat(takeoverMillis).as("from SIGKILL of the leader to the standby leading").isLessThan(2_000);

        a.silence();
        RoleMoved failover = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                m -> m.roleId().equals("kl-role") && m.reason() == MoveReason.FAILOVER, TIMEOUT);
        assertThat(failover.to()).isEqualTo("kl-b");
        assertThat(moves(kafka, "kl-role")).extracting(RoleMoved::epoch).containsExactly(1L, 2L);
    }

    @Test
    void shouldCompleteAFailoverInProgressExactlyOnceWhenTheLeaderDies(TestKafka kafka, TestDatabase database) {
        PlacementProcess first = instance(kafka, database, "prog-1");
        PlacementProcess second = instance(kafka, database, "prog-2");
        SimulatedAgent a = agent(kafka, "pg-a");
        agent(kafka, "pg-b");
        agent(kafka, "pg-c");
        PlacementProcess leader = awaitLeader(List.of(first, second));
        PlacementProcess standby = leader == first ? second : first;
        createRole(leader, "pg-role", "pg-a", "pg-b", "pg-c");
        RoleMoved initial = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                m -> m.roleId().equals("pg-role"), TIMEOUT);
        Await.until("the standby follows the assignment", TIMEOUT,
                () -> admin(standby).ok("GET", "/api/v1/roles/pg-role", null).contains("\"pg-a\""));

        // The host dies, and the leader dies while the failure is being detected.
        a.silence();
        leader.kill();

        Await.until("the standby leads", TIMEOUT, standby::leads);
        kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                m -> m.roleId().equals("pg-role") && m.epoch() == initial.epoch() + 1, TIMEOUT);
        // Well after the move, it is still the only one for this failure.
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> moves(kafka, "pg-role").size() == 2);
        List<RoleMoved> moves = moves(kafka, "pg-role");
        assertThat(moves.get(1).from()).isEqualTo("pg-a");
        assertThat(moves.get(1).to()).isEqualTo("pg-b");
        assertEpochsStrictlyIncrease(moves);
    }

    @Test
    void shouldRejectTheWritesOfAFrozenLeaderAndMakeItStepDown(TestKafka kafka, TestDatabase database) {
        PlacementProcess first = instance(kafka, database, "frz-1");
        PlacementProcess second = instance(kafka, database, "frz-2");
        SimulatedAgent a = agent(kafka, "fz-a");
        agent(kafka, "fz-b");
        PlacementProcess leader = awaitLeader(List.of(first, second));
        PlacementProcess standby = leader == first ? second : first;
        createRole(leader, "fz-role", "fz-a", "fz-b");
        kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class, m -> m.roleId().equals("fz-role"), TIMEOUT);

        leader.signal("STOP");
        Await.until("the standby leads", TIMEOUT, standby::leads);
        // While the old leader is frozen, its role's host fails: the new leader moves the role.
        a.silence();
        kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                m -> m.roleId().equals("fz-role") && m.reason() == MoveReason.FAILOVER, TIMEOUT);

        leader.signal("CONT");
        Await.until("the resumed leader stepped down", TIMEOUT,
                () -> leader.readiness().contains("\"leader\":false"));
        assertThat(leader.log()).contains("steps down");
        assertThat(standby.leads()).isTrue();
        List<RoleMoved> moves = moves(kafka, "fz-role");
        assertThat(moves).extracting(RoleMoved::epoch).containsExactly(1L, 2L);
    }

    @Test
    void shouldKeepEpochsIncreasingAcrossRepeatedLeaderKills(TestKafka kafka, TestDatabase database) {
        List<PlacementProcess> instances = new ArrayList<>();
        instances.add(instance(kafka, database, "rep-1"));
        instances.add(instance(kafka, database, "rep-2"));
        SimulatedAgent a = agent(kafka, "rp-a");
        SimulatedAgent b = agent(kafka, "rp-b");
        PlacementProcess leader = awaitLeader(instances);
        createRole(leader, "rp-role", "rp-a", "rp-b");
        kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class, m -> m.roleId().equals("rp-role"), TIMEOUT);

        SimulatedAgent[] hosts = {a, b};
        for (int round = 0; round < 3; round++) {
            leader.kill();
            instances.add(instance(kafka, database, "rep-" + (instances.size() + 1)));
            leader = awaitLeader(instances);
            long epochs = moves(kafka, "rp-role").size();
            // Fail the current host; the other one takes the role; bring the failed one back.
            SimulatedAgent host = hosts[round % 2];
            host.silence();
            kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                    m -> m.roleId().equals("rp-role") && m.epoch() == epochs + 1, TIMEOUT);
            host.start();
        }

        List<RoleMoved> moves = moves(kafka, "rp-role");
        assertThat(moves).hasSize(4);
        assertEpochsStrictlyIncrease(moves);
        for (int i = 1; i < moves.size(); i++) {
            assertThat(moves.get(i).from()).as("each move starts where the previous one ended")
                    .isEqualTo(moves.get(i - 1).to());
        }
    }

    @Test
    void shouldAnswerTheAdminApiOnEveryInstance(TestKafka kafka, TestDatabase database) {
        PlacementProcess first = instance(kafka, database, "api-1");
        PlacementProcess second = instance(kafka, database, "api-2");
        agent(kafka, "ap-a");
        agent(kafka, "ap-b");
        agent(kafka, "ap-c");
        List<PlacementProcess> pair = awaitLeaderAndStandby(first, second);
        PlacementProcess leader = pair.get(0);
        PlacementProcess standby = pair.get(1);
        assertThat(standby.readiness()).contains("\"leader\":false");

        // A role created through the standby is stored in the shared database and placed by the leader.
        createRole(standby, "ap-role", "ap-a", "ap-b", "ap-c");
        assertThat(kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                m -> m.roleId().equals("ap-role"), TIMEOUT).to()).isEqualTo("ap-a");

        // Maintenance set through the standby: the leader moves the role off the server.
        admin(standby).ok("PUT", "/api/v1/servers/ap-a/maintenance", "{\"on\":true}");
        RoleMoved planned = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                m -> m.roleId().equals("ap-role") && m.epoch() == 2, TIMEOUT);
        assertThat(planned.reason()).isEqualTo(MoveReason.MAINTENANCE);
        assertThat(planned.to()).isEqualTo("ap-b");

        // A manual move asked of the standby is forwarded to the leader and answered with the leader's move.
        String answer = admin(standby).ok("POST", "/api/v1/roles/ap-role/move", "{\"to\":\"ap-c\"}");
        assertThat(answer).contains("ap-c");
        RoleMoved manual = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                m -> m.roleId().equals("ap-role") && m.epoch() == 3, TIMEOUT);
        assertThat(manual.reason()).isEqualTo(MoveReason.MANUAL);
        assertThat(manual.to()).isEqualTo("ap-c");
        assertThat(leader.leads()).as("the leader still leads").isTrue();
        assertThat(standby.leads()).as("the standby still stands by").isFalse();
    }
}
