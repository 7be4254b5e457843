package dev.baton.agent;

import static dev.baton.agent.testing.Fixtures.agentConfig;
import static dev.baton.agent.testing.Fixtures.assignment;
import static dev.baton.agent.testing.Fixtures.role;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.plugin.PortProbe;
import dev.baton.agent.testing.Fixtures;
import dev.baton.agent.testing.LineClient;
import dev.baton.agent.testing.Processes;
import dev.baton.events.DatabaseReach;
import dev.baton.events.DatabaseRef;
import dev.baton.events.Endpoint;
import dev.baton.events.Heartbeat;
import dev.baton.events.HostedRole;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.ServerKind;
import dev.baton.events.Topic;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.TestKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agent in this JVM against the real broker; the test plays the placement-service. */
@ExtendWith(KafkaExtension.class)
class AgentIT {
    private static final Logger LOG = LoggerFactory.getLogger(AgentIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path workDir;

    private final List<HeartbeatAgent> agents = new ArrayList<>();

    @AfterEach
    void closeAgents() {
        agents.forEach(HeartbeatAgent::close);
    }

    private HeartbeatAgent start(TestKafka kafka, String serverId) {
        Map<String, String> config = agentConfig(kafka.bootstrapServers(), kafka.namespace(), serverId, workDir);
        config.put("server.kind", "MAIN");
        HeartbeatAgent agent = Fixtures.startInProcess(config);
        agents.add(agent);
        return agent;
    }

    @Test
    void shouldHeartbeatEveryIntervalWithIncreasingSequenceAndBeReady(TestKafka kafka) throws Exception {
        HeartbeatAgent agent = start(kafka, "hb-1");

        List<Heartbeat> beats = kafka.awaitEvents(Topic.HEARTBEATS, Heartbeat.class,
                h -> h.serverId().equals("hb-1"), 5, TIMEOUT);

        assertThat(beats).extracting(Heartbeat::sequence).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(beats).allSatisfy(h -> {
            assertThat(h.incarnation()).isEqualTo(agent.incarnation());
            assertThat(h.host()).isEqualTo("127.0.0.1");
            assertThat(h.kind()).isEqualTo(ServerKind.MAIN);
            assertThat(h.roles()).isEmpty();
            assertThat(h.leaving()).isFalse();
        });
        Duration span = Duration.between(beats.get(1).occurredAt(), beats.get(4).occurredAt());
        assertThat(span).as("three intervals of 100 ms, give or take a busy machine")
                .isBetween(Duration.ofMillis(250), Duration.ofMillis(1500));

        Await.until("ready", TIMEOUT, () -> Fixtures.get(agent.httpPort(), "/health/ready").statusCode() == 200);
        HttpResponse<String> ready = Fixtures.get(agent.httpPort(), "/health/ready");
        assertThat(ready.body()).contains("\"status\":\"UP\"", "\"serverId\":\"hb-1\"",
                "\"incarnation\":\"" + agent.incarnation() + "\"", "\"fenced\":false");
        assertThat(Fixtures.get(agent.httpPort(), "/metrics").body())
                .contains("baton_agent_heartbeats_acked_total", "baton_agent_lease_remaining_milliseconds",
                        "baton_agent_roles{", "state=\"RUNNING\"");
    }

    @Test
    void shouldStartAnAssignedRoleReportStartingThenRunningAndAnswerWithItsServerId(TestKafka kafka)
            throws IOException {
        HeartbeatAgent agent = start(kafka, "run-1");
        kafka.send(role("billing-1", List.of("run-1", "run-2"), null, null));
        Fixtures.awaitReady(agent, TIMEOUT);
        Instant assignedAt = Instant.now();

        kafka.send(assignment("billing-1", 1, "run-1", MoveReason.INITIAL));

        List<RoleStateChanged> changes = kafka.awaitEvents(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("billing-1", "run-1"), 2, TIMEOUT);
        assertThat(changes).extracting(RoleStateChanged::state).containsExactly(RoleState.STARTING, RoleState.RUNNING);
        assertThat(changes).extracting(RoleStateChanged::epoch).containsOnly(1L);
        Endpoint endpoint = changes.get(1).endpoint();
        assertThat(endpoint.host()).isEqualTo("127.0.0.1");
        LOG.info("Measured: assignment published -> RUNNING (sample plugin) in {} ms",
                Duration.between(assignedAt, changes.get(1).occurredAt()).toMillis());

        assertThat(LineClient.ask(endpoint.host(), endpoint.port(), "hello")).isEqualTo("run-1 hello");
        kafka.awaitEvent(Topic.HEARTBEATS, Heartbeat.class, h -> h.serverId().equals("run-1")
                && h.roles().contains(new HostedRole("billing-1", 1, RoleState.RUNNING, endpoint)), TIMEOUT);
    }

    @Test
    void shouldStopAtOnceWhenTheRoleIsAssignedElsewhereAtAHigherEpoch(TestKafka kafka) {
        start(kafka, "move-1");
        kafka.send(role("billing-2", List.of("move-1", "move-2"), null, null));
        kafka.send(assignment("billing-2", 1, "move-1", MoveReason.INITIAL));
        Endpoint endpoint = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("billing-2", "move-1").and(e -> e.state() == RoleState.RUNNING), TIMEOUT).endpoint();
        Instant movedAt = Instant.now();

        kafka.send(assignment("billing-2", 2, "move-2", MoveReason.FAILBACK));

        RoleStateChanged stopped = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("billing-2", "move-1").and(e -> e.state() == RoleState.STOPPED), TIMEOUT);
        assertThat(stopped.epoch()).isEqualTo(1);
        assertThat(stopped.detail()).isEqualTo("assigned to move-2 at epoch 2 (FAILBACK)");
        assertThat(PortProbe.accepts(endpoint.host(), endpoint.port(), Duration.ofMillis(200))).isFalse();
        LOG.info("Measured: higher-epoch assignment elsewhere published -> STOPPED in {} ms",
                Duration.between(movedAt, stopped.occurredAt()).toMillis());
        kafka.awaitEvent(Topic.HEARTBEATS, Heartbeat.class, h -> h.serverId().equals("move-1")
                && h.occurredAt().isAfter(stopped.occurredAt()) && h.roles().isEmpty(), TIMEOUT);
    }

    @Test
    void shouldIgnoreAStaleEpoch(TestKafka kafka) {
        start(kafka, "stale-1");
        kafka.send(role("billing-3", List.of("stale-1", "stale-2"), null, null));
        kafka.send(assignment("billing-3", 5, "stale-1", MoveReason.INITIAL));
        kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("billing-3", "stale-1").and(e -> e.state() == RoleState.RUNNING), TIMEOUT);

        // Same role, same partition: read in this order. Had epoch 4 been taken, the role would stop for it.
        kafka.send(assignment("billing-3", 4, "stale-2", MoveReason.MANUAL));
        kafka.send(assignment("billing-3", 6, "stale-1", MoveReason.MANUAL));

        List<RoleStateChanged> changes = kafka.awaitEvents(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("billing-3", "stale-1"), 5, TIMEOUT);
        assertThat(changes).extracting(e -> e.state() + "@" + e.epoch())
                .containsExactly("STARTING@5", "RUNNING@5", "STOPPED@5", "STARTING@6", "RUNNING@6");
        assertThat(changes.get(2).detail()).isEqualTo("assigned here again at epoch 6 (MANUAL): restarting");
    }

    @Test
    void shouldReportACommandPluginKilledExternallyAsFailed(TestKafka kafka) throws IOException {
        start(kafka, "cmd-1");
        kafka.send(role("billing-4", List.of("cmd-1"), Fixtures.commandPlugin(Processes.samplePluginCommand()), null));

        kafka.send(assignment("billing-4", 1, "cmd-1", MoveReason.INITIAL));

        RoleStateChanged running = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("billing-4", "cmd-1").and(e -> e.state() == RoleState.RUNNING), TIMEOUT);
        assertThat(LineClient.ask("127.0.0.1", running.endpoint().port(), "ping")).isEqualTo("cmd-1 ping");
        long pid = Processes.pidIn(running.detail());

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        RoleStateChanged failed = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("billing-4", "cmd-1").and(e -> e.state() == RoleState.FAILED), TIMEOUT);
        assertThat(failed.epoch()).isEqualTo(1);
        assertThat(failed.detail()).startsWith("plugin exited with code 137 (signal 9)");
        kafka.awaitEvent(Topic.HEARTBEATS, Heartbeat.class, h -> h.serverId().equals("cmd-1")
                && h.roles().contains(new HostedRole("billing-4", 1, RoleState.FAILED, null)), TIMEOUT);
    }

    @Test
    void shouldReportWhetherItReachesTheDatabaseOfEachOfItsRoles(TestKafka kafka) throws IOException {
        try (ServerSocket database = new ServerSocket(0)) {
            int closedPort = PortProbe.freePort();
            start(kafka, "db-1");

            kafka.send(role("billing-5", List.of("db-2", "db-1"),
                    null, new DatabaseRef("DBHOST\\SQLEXPRESS", "127.0.0.1", database.getLocalPort())));
            kafka.send(role("billing-6", List.of("db-1"),
                    null, new DatabaseRef("DBHOST\\OTHER", "127.0.0.1", closedPort)));
            kafka.send(role("billing-7", List.of("db-2"),
                    null, new DatabaseRef("DBHOST\\NOT-MINE", "127.0.0.1", database.getLocalPort())));

            Heartbeat heartbeat = kafka.awaitEvent(Topic.HEARTBEATS, Heartbeat.class,
                    h -> h.serverId().equals("db-1") && h.databases().size() == 2, TIMEOUT);
            assertThat(heartbeat.databases()).containsExactlyInAnyOrder(
                    new DatabaseReach("billing-5", true), new DatabaseReach("billing-6", false));
        }
    }

    @Test
    void shouldStopItsRolesAndPublishStoppedWhenClosed(TestKafka kafka) {
        HeartbeatAgent agent = start(kafka, "close-1");
        kafka.send(role("billing-8", List.of("close-1"), null, null));
        kafka.send(assignment("billing-8", 1, "close-1", MoveReason.INITIAL));
        Endpoint endpoint = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("billing-8", "close-1").and(e -> e.state() == RoleState.RUNNING), TIMEOUT).endpoint();

        agent.close();

        RoleStateChanged stopped = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("billing-8", "close-1").and(e -> e.state() == RoleState.STOPPED), TIMEOUT);
        assertThat(stopped.detail()).isEqualTo("the agent is shutting down");
        assertThat(PortProbe.accepts(endpoint.host(), endpoint.port(), Duration.ofMillis(200))).isFalse();
    }

    private static Predicate<RoleStateChanged> about(String roleId, String serverId) {
        return e -> e.roleId().equals(roleId) && e.serverId().equals(serverId);
    }
}
