package dev.baton.agent;

import static dev.baton.agent.testing.Fixtures.assignment;
import static dev.baton.agent.testing.Fixtures.role;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.plugin.PortProbe;
import dev.baton.agent.testing.Fixtures;
import dev.baton.agent.testing.LineClient;
import dev.baton.agent.testing.Processes;
import dev.baton.events.Endpoint;
import dev.baton.events.Heartbeat;
import dev.baton.events.HostedRole;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.Topic;
import dev.baton.runtime.config.Config;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.TestKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agent as its own OS process ({@code java -jar target/heartbeat-agent.jar}), configured by environment. */
@ExtendWith(KafkaExtension.class)
class AgentProcessIT {
    private static final Logger LOG = LoggerFactory.getLogger(AgentProcessIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path workDir;

    private final List<Process> processes = new ArrayList<>();
    private final Map<Process, Path> logs = new HashMap<>();

    @AfterEach
    void killProcesses() throws InterruptedException {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process startAgent(TestKafka kafka, String serverId, Map<String, String> overrides) throws IOException {
        Map<String, String> config = Fixtures.agentConfig(kafka.bootstrapServers(), kafka.namespace(), serverId,
                workDir);
        config.putAll(overrides);
        List<String> command = new ArrayList<>(List.of(Processes.java()));
        command.addAll(Processes.smallJvm());
        command.addAll(List.of("-jar", Processes.agentJar().toString()));
        Path log = Files.createDirectories(Path.of("target", "agent-logs"))
                .resolve(serverId + "-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
        config.forEach((key, value) -> builder.environment().put(Config.envName(key), value));
        Process process = builder.start();
        processes.add(process);
        logs.put(process, log);
        return process;
    }

    @Test
    void shouldHeartbeatUnderANewIncarnationAfterARestart(TestKafka kafka) throws Exception {
        Process first = startAgent(kafka, "proc-1", Map.of());
        Heartbeat before = kafka.awaitEvent(Topic.HEARTBEATS, Heartbeat.class,
                h -> h.serverId().equals("proc-1") && h.sequence() == 2, TIMEOUT);

        first.destroy();
        assertThat(first.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("a leave without roles is quick").isTrue();
        startAgent(kafka, "proc-1", Map.of());

        List<Heartbeat> after = kafka.awaitEvents(Topic.HEARTBEATS, Heartbeat.class,
                h -> h.serverId().equals("proc-1") && !h.incarnation().equals(before.incarnation()), 3, TIMEOUT);
        assertThat(after).extracting(Heartbeat::sequence).containsExactly(0L, 1L, 2L);
        assertThat(after).extracting(Heartbeat::incarnation).containsOnly(after.get(0).incarnation());
    }

    @Test
    void shouldLeaveNoCommandPluginBehindWhenKilledWithSigkill(TestKafka kafka) throws Exception {
        Process agent = startAgent(kafka, "proc-2", Map.of());
        kafka.send(role("orphan", List.of("proc-2"), Fixtures.commandPlugin(Processes.samplePluginCommand()), null));
        kafka.send(assignment("orphan", 1, "proc-2", MoveReason.INITIAL));
        RoleStateChanged running = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("orphan", "proc-2").and(e -> e.state() == RoleState.RUNNING), TIMEOUT);
        long pid = Processes.pidIn(running.detail());
        assertThat(agent.descendants().map(ProcessHandle::pid)).as("the plugin is the agent's").contains(pid);
        assertThat(LineClient.ask("127.0.0.1", running.endpoint().port(), "alive")).isEqualTo("proc-2 alive");

        Instant killedAt = Instant.now();
        agent.destroyForcibly();
        assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();

        // The watchdog sees the agent's pipe close: SIGTERM to the plugin's group, SIGKILL after the grace (2 s).
        Await.until("the plugin is gone with its agent", TIMEOUT, () -> !Processes.isRunning(pid));
        LOG.info("Measured: command plugin gone {} ms after kill -9 of its agent",
                Duration.between(killedAt, Instant.now()).toMillis());
        // Awaited rather than probed once: a connection to an unused port in the ephemeral range can, rarely, connect
        // to itself (TCP simultaneous open), which looks like a listener.
        Await.until("nothing listens on the plugin's port", TIMEOUT,
                () -> !PortProbe.accepts("127.0.0.1", running.endpoint().port(), Duration.ofMillis(200)));
    }

    @Test
    void shouldKeepServingOnSigtermUntilThePlannedMoveThenStopAndExit(TestKafka kafka) throws Exception {
        Process agent = startAgent(kafka, "proc-3", Map.of("leave.timeout", "30s"));
        kafka.send(role("handover", List.of("proc-3", "proc-new"), null, null));
        kafka.send(assignment("handover", 1, "proc-3", MoveReason.INITIAL));
        Endpoint endpoint = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("handover", "proc-3").and(e -> e.state() == RoleState.RUNNING), TIMEOUT).endpoint();
        HostedRole runningHere = new HostedRole("handover", 1, RoleState.RUNNING, endpoint);

        // When the agent is asked to stop (Process.destroy sends SIGTERM)
        agent.destroy();

        // Then it announces the leave and keeps serving
        kafka.awaitEvent(Topic.HEARTBEATS, Heartbeat.class, h -> h.serverId().equals("proc-3") && h.leaving()
                && h.roles().contains(runningHere), TIMEOUT);
        Instant leftAt = Instant.now();
        kafka.awaitEvent(Topic.HEARTBEATS, Heartbeat.class, h -> h.serverId().equals("proc-3") && h.leaving()
                && h.occurredAt().isAfter(leftAt.plusMillis(300)) && h.roles().contains(runningHere), TIMEOUT);
        assertThat(agent.isAlive()).isTrue();
        assertThat(LineClient.ask(endpoint.host(), endpoint.port(), "still here")).isEqualTo("proc-3 still here");

        // Playing the placement: a planned move to another server (which waits for this one to stop the role)
        Instant handedOverAt = Instant.now();
        kafka.send(new RoleAssignment(UUID.randomUUID(), handedOverAt, "handover", 2, "proc-new", null,
                MoveReason.MAINTENANCE, "proc-3"));

        RoleStateChanged stopped = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("handover", "proc-3").and(e -> e.state() == RoleState.STOPPED), TIMEOUT);
        assertThat(stopped.epoch()).isEqualTo(1);
        assertThat(stopped.detail()).isEqualTo("assigned to proc-new at epoch 2 (MAINTENANCE)");
        assertThat(stopped.occurredAt()).isAfter(handedOverAt);
        assertThat(agent.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("exits once its roles moved").isTrue();
        LOG.info("Measured: planned move published -> STOPPED here in {} ms",
                Duration.between(handedOverAt, stopped.occurredAt()).toMillis());
        assertThat(PortProbe.accepts(endpoint.host(), endpoint.port(), Duration.ofMillis(200))).isFalse();
    }

    @Test
    void shouldStopWhatDidNotMoveWhenTheLeaveTimesOut(TestKafka kafka) throws Exception {
        Process agent = startAgent(kafka, "proc-4", Map.of("leave.timeout", "2s", "plugin.stop.grace", "1s"));
        kafka.send(role("stuck", List.of("proc-4"), null, null));
        kafka.send(assignment("stuck", 1, "proc-4", MoveReason.INITIAL));
        kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("stuck", "proc-4").and(e -> e.state() == RoleState.RUNNING), TIMEOUT);

        long sigterm = System.nanoTime();
        agent.destroy();

        assertThat(agent.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - sigterm);
        RoleStateChanged stopped = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about("stuck", "proc-4").and(e -> e.state() == RoleState.STOPPED), TIMEOUT);
        assertThat(stopped.detail()).isEqualTo("leave.timeout (2000 ms) passed before the role moved");
        LOG.info("Measured: SIGTERM -> exit with an unmoved role in {} ms (leave.timeout 2000 ms)", took.toMillis());
        assertThat(took).as("waited for the leave timeout, and not much longer than it plus the stop grace")
                .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2 + 1 + 6));
    }

    @Test
    void shouldExitWithCode2AndSayWhyOnAConfigurationError(TestKafka kafka) throws Exception {
        Process agent = startAgent(kafka, "proc-5", Map.of("lease", "900ms", "placement.failure.timeout", "800ms"));

        assertThat(agent.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).isEqualTo(2);
        assertThat(Files.readString(logs.get(agent)))
                .contains("heartbeat-agent: invalid configuration:",
                        "lease (900 ms) must be shorter than placement.failure.timeout (800 ms)");
    }

    private static Predicate<RoleStateChanged> about(String roleId, String serverId) {
        return e -> e.roleId().equals(roleId) && e.serverId().equals(serverId);
    }
}
