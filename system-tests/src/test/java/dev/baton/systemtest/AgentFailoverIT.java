package dev.baton.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.ServerDown;
import dev.baton.events.Topic;
import dev.baton.testkit.LineClient;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * Failovers end to end: the real placement-service (in this JVM) and three real heartbeat-agents A, B
 * and C per test, in this JVM or as OS processes, on the real broker and database. Each test has its own servers and
 * role; they share one placement-service.
 */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentFailoverIT {
    private static final Logger LOG = LoggerFactory.getLogger(AgentFailoverIT.class);
    private static final Duration T = Duration.ofSeconds(30);

    private final TestKafka kafka;
    private final RoleEvents events;
    private Placement placement;
    private Agents agents;

    @TempDir
    Path workDir;

    AgentFailoverIT(TestKafka kafka) {
        this.kafka = kafka;
        this.events = new RoleEvents(kafka);
    }

    @BeforeAll
    void startPlacement(TestDatabase database) {
        placement = Placement.start(kafka, database);
    }

    @BeforeEach
    void newAgents() {
        agents = new Agents(kafka.bootstrapServers(), kafka.namespace(), workDir);
    }

    @AfterEach
    void stopAgents() {
        agents.close();
        placement.awaitNoServerUp();
    }

    @AfterAll
    void stopPlacement() {
        if (placement != null) {
            placement.close();
        }
    }

    @Test
    void shouldRunTheRoleOnBWhenAIsKilledWithSigkillAndLeaveNoPluginProcessOfA() {
        // Given three agents as OS processes, the role's plugin a process of its own (a command plugin)
        String role = "k9-role";
        AgentProcess a = agents.process("k9-a");
        agents.process("k9-b");
        agents.process("k9-c");
        placement.awaitRegistered("k9-a", "k9-b", "k9-c");
        placement.createRole(Placement.withCommand(Placement.role(role, "k9-a", "k9-b", "k9-c"),
                OsProcesses.samplePluginCommand()));
        RoleStateChanged onA = events.state(role, "k9-a", 1, RoleState.RUNNING);
        long plugin = OsProcesses.pidIn(onA.detail());
        assertThat(a.descendants()).as("A's plugin is a process of A's agent").contains(plugin);
        assertThat(ask(onA.endpoint(), "hello")).isEqualTo("k9-a hello");

        // When A's host dies: kill -9, no goodbye
        a.kill9();
        Instant killedAt = Instant.now();

        // Then the role runs on B, the next server of its list
        RoleMoved failover = events.move(role, 2);
        assertThat(failover.reason()).isEqualTo(MoveReason.FAILOVER);
        assertThat(failover.from()).isEqualTo("k9-a");
        assertThat(failover.to()).isEqualTo("k9-b");
        RoleStateChanged onB = events.state(role, "k9-b", 2, RoleState.RUNNING);
        assertThat(ask(onB.endpoint(), "hello")).isEqualTo("k9-b hello");

        // And A's plugin process is gone with its agent
        Await.until("A's plugin process (pid " + plugin + ") gone", T, () -> !OsProcesses.isRunning(plugin));
        assertThat(Ports.accepts(onA.endpoint())).as("A's plugin port").isFalse();
        assertThat(events.statesOf(role, "k9-a")).as("A said nothing after the kill")
                .containsExactly("STARTING@1", "RUNNING@1");

        // And the move followed the configured timing: A declared DOWN once the failure timeout had passed since its
        // last heartbeat (not before; nor much later), then the decision, then B's start
        ServerDown down = kafka.awaitEvent(Topic.SERVER_EVENTS, ServerDown.class,
                d -> d.serverId().equals("k9-a"), T);
        assertThat(down.lastHeartbeatAt()).isBeforeOrEqualTo(killedAt);
        assertThat(Duration.between(down.lastHeartbeatAt(), failover.detectedAt()))
                .isBetween(Timing.FAILURE_TIMEOUT, Timing.FAILURE_TIMEOUT.multipliedBy(2));
        assertThat(failover.decidedAt()).isAfterOrEqualTo(failover.detectedAt());
        assertThat(onB.occurredAt()).isAfter(failover.decidedAt());
        LOG.info("MEASURED kill -9: last heartbeat of A {} ms before it was gone; RoleMoved decided {} ms and RUNNING on B"
                        + " {} ms after", Duration.between(down.lastHeartbeatAt(), killedAt).toMillis(),
                Duration.between(killedAt, failover.decidedAt()).toMillis(),
                Duration.between(killedAt, onB.occurredAt()).toMillis());
    }

    @Test
    void shouldKeepTheRoleOnBWhenAReturnsAndMoveItBackToAWithForceHighestPriority() {
        String role = "fb-role";
        AgentProcess a = agents.process("fb-a");
        agents.inProcess("fb-b");
        agents.inProcess("fb-c");
        placement.awaitRegistered("fb-a", "fb-b", "fb-c");
        // A short stabilization delay: were the role to fail back without the flag, it would within the wait below.
        placement.createRole(Placement.role(role, "fb-a", "fb-b", "fb-c").put("failbackDelayMs", 300));
        events.state(role, "fb-a", 1, RoleState.RUNNING);
        a.kill9();
        assertThat(events.move(role, 2).to()).isEqualTo("fb-b");
        RoleStateChanged onB = events.state(role, "fb-b", 2, RoleState.RUNNING);

        // When A returns (a new agent process, a new incarnation)
        agents.process("fb-a");
        Await.until("fb-a UP again", T, () -> "UP".equals(placement.serverState("fb-a")));

        // Then, by default, the role stays on B
        Awaitility.await("the role stays on fb-b").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> hostAndEpoch(role), "fb-b@2"::equals);
        assertThat(ask(onB.endpoint(), "still")).isEqualTo("fb-b still");

        // When force-highest-priority is turned on
        placement.forceHighestPriority(role, true);

        // Then it returns to A
        RoleMoved failback = events.move(role, 3);
        assertThat(failback.reason()).isEqualTo(MoveReason.FAILBACK);
        assertThat(failback.from()).isEqualTo("fb-b");
        assertThat(failback.to()).isEqualTo("fb-a");
        RoleStateChanged backOnA = events.state(role, "fb-a", 3, RoleState.RUNNING);
        RoleStateChanged stoppedOnB = events.state(role, "fb-b", 2, RoleState.STOPPED);
        assertThat(stoppedOnB.detail()).isEqualTo("assigned to fb-a at epoch 3 (FAILBACK)");
        assertThat(ask(backOnA.endpoint(), "back")).isEqualTo("fb-a back");
        Await.until("B's plugin closed", T, () -> !Ports.accepts(onB.endpoint()));
        assertThat(hostAndEpoch(role)).isEqualTo("fb-a@3");
        LOG.info("MEASURED failback: STOPPED on B {} ms after RoleMoved, RUNNING on A {} ms after RoleMoved ({})",
                Duration.between(failback.occurredAt(), stoppedOnB.occurredAt()).toMillis(),
                Duration.between(failback.occurredAt(), backOnA.occurredAt()).toMillis(),
                stoppedOnB.occurredAt().isBefore(backOnA.occurredAt()) ? "no overlap"
                        : "both reported running for "
                        + Duration.between(backOnA.occurredAt(), stoppedOnB.occurredAt()).toMillis() + " ms");
    }

    @Test
    void shouldMoveTheRoleWithResourceFailureWhenItsPluginProcessCrashes() {
        String role = "rf-role";
        agents.inProcess("rf-a");
        agents.inProcess("rf-b");
        agents.inProcess("rf-c");
        placement.awaitRegistered("rf-a", "rf-b", "rf-c");
        placement.createRole(Placement.withCommand(Placement.role(role, "rf-a", "rf-b", "rf-c"),
                OsProcesses.samplePluginCommand()));
        RoleStateChanged onA = events.state(role, "rf-a", 1, RoleState.RUNNING);
        long plugin = OsProcesses.pidIn(onA.detail());
        assertThat(ask(onA.endpoint(), "ping")).isEqualTo("rf-a ping");

        // When the plugin process crashes while its agent lives
        ProcessHandle.of(plugin).orElseThrow().destroyForcibly();

        // Then A reports it FAILED and the placement moves it with RESOURCE_FAILURE
        RoleStateChanged failed = events.state(role, "rf-a", 1, RoleState.FAILED);
        assertThat(failed.detail()).startsWith("plugin exited with code 137");
        RoleMoved moved = events.move(role, 2);
        assertThat(moved.reason()).isEqualTo(MoveReason.RESOURCE_FAILURE);
        assertThat(moved.from()).isEqualTo("rf-a");
        assertThat(moved.to()).isEqualTo("rf-b");
        assertThat(moved.decidedAt()).isAfter(failed.occurredAt());
        RoleStateChanged onB = events.state(role, "rf-b", 2, RoleState.RUNNING);
        assertThat(ask(onB.endpoint(), "ping")).isEqualTo("rf-b ping");
        assertThat(events.statesOf(role, "rf-a")).as("A did not restart the failed role by itself")
                .containsExactly("STARTING@1", "RUNNING@1", "FAILED@1");
        assertThat(placement.serverState("rf-a")).as("A itself stays UP").isEqualTo("UP");
    }

    @Test
    void shouldStopTheRoleOnABeforeBStartsItOnSigterm() {
        String role = "tm-role";
        AgentProcess a = agents.process("tm-a");
        agents.inProcess("tm-b");
        agents.inProcess("tm-c");
        placement.awaitRegistered("tm-a", "tm-b", "tm-c");
        placement.createRole(Placement.role(role, "tm-a", "tm-b", "tm-c"));
        RoleStateChanged onA = events.state(role, "tm-a", 1, RoleState.RUNNING);
        assertThat(ask(onA.endpoint(), "hi")).isEqualTo("tm-a hi");

        // When A's agent is asked to stop (SIGTERM): a planned leave
        a.terminate();

        // Then the placement moves the role as planned, A stops its copy, and only then B starts it
        RoleMoved planned = events.move(role, 2);
        assertThat(planned.reason()).isEqualTo(MoveReason.MAINTENANCE);
        assertThat(planned.from()).isEqualTo("tm-a");
        assertThat(planned.to()).isEqualTo("tm-b");
        RoleStateChanged onB = events.state(role, "tm-b", 2, RoleState.RUNNING);
        RoleStateChanged stoppedOnA = events.state(role, "tm-a", 1, RoleState.STOPPED);
        RoleStateChanged startingOnB = events.state(role, "tm-b", 2, RoleState.STARTING);
        assertThat(stoppedOnA.detail()).isEqualTo("assigned to tm-b at epoch 2 (MAINTENANCE)");
        assertThat(startingOnB.occurredAt()).as("A's copy stopped before B started it (break-before-make)")
                .isAfterOrEqualTo(stoppedOnA.occurredAt());
        assertThat(events.statesOf(role, "tm-a")).containsExactly("STARTING@1", "RUNNING@1", "STOPPED@1");
        assertThat(a.awaitExit(T)).as("A's agent exits once its role moved").isTrue();
        assertThat(ask(onB.endpoint(), "after")).isEqualTo("tm-b after");
        LOG.info("MEASURED SIGTERM: RoleMoved -> STOPPED on A in {} ms; STOPPED on A -> RUNNING on B in {} ms",
                Duration.between(planned.occurredAt(), stoppedOnA.occurredAt()).toMillis(),
                Duration.between(stoppedOnA.occurredAt(), onB.occurredAt()).toMillis());
    }

    @Test
    void shouldEndAFrozenAgentsPluginBeforeTheRoleRunsElsewhereAndCountItAsAFenceWhenTheAgentThaws() {
        // Given A's agent as an OS process running the role's command plugin
        String role = "fz-role";
        AgentProcess a = agents.process("fz-a");
        agents.process("fz-b");
        placement.awaitRegistered("fz-a", "fz-b");
        placement.createRole(Placement.withCommand(Placement.role(role, "fz-a", "fz-b"),
                OsProcesses.samplePluginCommand()));
        long plugin = OsProcesses.pidIn(events.state(role, "fz-a", 1, RoleState.RUNNING).detail());
        // Watched through /proc: the frozen agent cannot reap its ended plugin, which stays a zombie meanwhile.
        CompletableFuture<Instant> pluginGone = new CompletableFuture<>();
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "plugin-watch");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleAtFixedRate(() -> {
            if (!OsProcesses.isRunning(plugin)) {
                pluginGone.complete(Instant.now());
            }
        }, 0, 10, TimeUnit.MILLISECONDS);

        // When A's agent freezes (SIGSTOP): its heartbeats stop, but it closes nothing; its plugin is not stopped
        a.freeze();

        // Then the role moves to B, and A's plugin had ended (its watchdog's lease deadline) before B ran the role
        RoleMoved failover = events.move(role, 2);
        assertThat(failover.to()).isEqualTo("fz-b");
        RoleStateChanged onB = events.state(role, "fz-b", 2, RoleState.RUNNING);
        Instant goneAt = Await.until("A's plugin ended", T, () -> pluginGone.getNow(null), at -> at != null);
        watcher.shutdownNow();
        assertThat(goneAt).as("A's plugin ended before B reported RUNNING: never two at once")
                .isBefore(onB.occurredAt());

        // And when A thaws, it reports its copy STOPPED as fenced, not FAILED: no restart budget used
        a.thaw();
        RoleStateChanged stoppedOnA = events.state(role, "fz-a", 1, RoleState.STOPPED);
        assertThat(stoppedOnA.detail()).contains("fenced");
        assertThat(events.statesOf(role, "fz-a")).doesNotContain("FAILED@1");
        LOG.info("MEASURED freeze: A's plugin ended {} ms before B reported RUNNING",
                Duration.between(goneAt, onB.occurredAt()).toMillis());
    }

    /** {@code server@epoch} of the role as the placement-service shows it. */
    private String hostAndEpoch(String roleId) {
        JsonNode role = placement.role(roleId);
        return role.path("hostingServer").asText("-") + "@" + role.path("epoch").asLong(-1);
    }

    private static String ask(Endpoint endpoint, String line) {
        return LineClient.ask(endpoint.host(), endpoint.port(), line);
    }
}
