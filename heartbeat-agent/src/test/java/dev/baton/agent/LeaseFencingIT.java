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
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.Topic;
import dev.baton.testkit.Await;
import dev.baton.testkit.ProxiedKafka;
import dev.baton.testkit.ProxiedKafkaExtension;
import dev.baton.testkit.TestKafka;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-fencing with real timing (heartbeat 100 ms, lease 1 s, placement failure timeout 2 s; see LEASE): the agent
 * reaches Kafka only through a TCP proxy that the test cuts, while the test itself keeps a direct connection.
 */
@ExtendWith(ProxiedKafkaExtension.class)
class LeaseFencingIT {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseFencingIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /*
     * The defaults are a 250 ms lease against a 350 ms failure timeout. The test keeps the same mechanism with a
     * second of margin (1 s lease, 2 s timeout), so a CI machine starved of CPU for a few hundred milliseconds
     * does not fail it; the margin at the defaults is measured by the benchmarks, not asserted here.
     */
    private static final Duration LEASE = Duration.ofMillis(1000);
    private static final Duration FAILURE_TIMEOUT = Duration.ofMillis(2000);
    private static final String SERVER = "fence-1";

    @TempDir
    Path workDir;

    private ProxiedKafka proxied;
    private HeartbeatAgent agent;

    @AfterEach
    void cleanUp() {
        if (proxied != null) {
            proxied.proxy().restore();
        }
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void shouldStopEveryRoleBeforeThePlacementCouldDeclareItDownAndRestartOnlyAtANewEpoch(ProxiedKafka proxied)
            throws IOException {
        this.proxied = proxied;
        TestKafka kafka = proxied.kafka();
        Map<String, String> config = Fixtures.agentConfig(proxied.proxiedBootstrapServers(), kafka.namespace(), SERVER,
                workDir);
        config.put("lease", LEASE.toMillis() + "ms");
        config.put("placement.failure.timeout", FAILURE_TIMEOUT.toMillis() + "ms");
        agent = Fixtures.startInProcess(config);
        kafka.send(role("fenced-sample", List.of(SERVER), null, null));
        kafka.send(role("fenced-command", List.of(SERVER), Fixtures.commandPlugin(Processes.samplePluginCommand()),
                null));
        kafka.send(assignment("fenced-sample", 1, SERVER, MoveReason.INITIAL));
        kafka.send(assignment("fenced-command", 1, SERVER, MoveReason.INITIAL));
        Endpoint sample = running(kafka, "fenced-sample", 1).endpoint();
        RoleStateChanged command = running(kafka, "fenced-command", 1);
        long pid = Processes.pidIn(command.detail());

        // Given a cut-off agent
        Instant cutAt = Instant.now();
        proxied.proxy().cut();

        // Then it stops both roles on its own, the command plugin's process included
        Await.until("both plugins stopped", TIMEOUT, () -> !PortProbe.accepts("127.0.0.1", sample.port(),
                Duration.ofMillis(50)) && !Processes.isRunning(pid));
        Await.untilAsserted("fenced, as health and metrics say", TIMEOUT, () -> {
            assertThat(agent.fenced()).isTrue();
            HttpResponse<String> ready = Fixtures.get(agent.httpPort(), "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"fenced\":true", "\"state\":\"STOPPED\"");
            assertThat(Fixtures.get(agent.httpPort(), "/metrics").body())
                    .containsPattern("baton_agent_fences_total\\{[^}]*\\} 1\\.0")
                    .containsPattern("baton_agent_fenced\\{[^}]*\\} 1\\.0")
                    .containsPattern("baton_agent_roles\\{[^}]*state=\"STOPPED\"[^}]*\\} 2\\.0")
                    .containsPattern("baton_agent_plugin_failures_total\\{[^}]*\\} 0\\.0");
        });

        // When Kafka is reachable again
        Instant restoreAt = Instant.now();
        proxied.proxy().restore();

        // Then the state changes published while cut off arrive, and were made before the placement's timeout
        RoleStateChanged sampleFailed = fenced(kafka, "fenced-sample", cutAt);
        RoleStateChanged commandFailed = fenced(kafka, "fenced-command", cutAt);
        Instant lastAppend = lastHeartbeatAppendedBefore(kafka, restoreAt);
        LOG.info("Measured: last heartbeat appended {} ms before the cut; roles stopped {} ms (sample) and {} ms"
                        + " (command) after it; the placement could declare the server DOWN at {} ms",
                Duration.between(lastAppend, cutAt).toMillis(),
                Duration.between(lastAppend, sampleFailed.occurredAt()).toMillis(),
                Duration.between(lastAppend, commandFailed.occurredAt()).toMillis(), FAILURE_TIMEOUT.toMillis());
        assertThat(sampleFailed.occurredAt()).isBefore(lastAppend.plus(FAILURE_TIMEOUT));
        assertThat(commandFailed.occurredAt()).isBefore(lastAppend.plus(FAILURE_TIMEOUT));

        // And it heartbeats again, reporting the roles STOPPED (not FAILED) at the fenced epoch, without restarting them
        Fixtures.awaitReady(agent, TIMEOUT);
        List<Heartbeat> after = kafka.awaitEvents(Topic.HEARTBEATS, Heartbeat.class,
                h -> h.serverId().equals(SERVER) && h.occurredAt().isAfter(restoreAt), 5, TIMEOUT);
        assertThat(after).allSatisfy(h -> assertThat(h.roles()).containsExactlyInAnyOrder(
                new HostedRole("fenced-sample", 1, RoleState.STOPPED, null),
                new HostedRole("fenced-command", 1, RoleState.STOPPED, null)));
        assertThat(heartbeatsAppendedAfter(kafka, restoreAt))
                .as("no heartbeat sent before the fence is delivered after it")
                .noneMatch(h -> h.roles().stream().anyMatch(r -> r.state() == RoleState.RUNNING));
        assertThat(PortProbe.accepts("127.0.0.1", sample.port(), Duration.ofMillis(100))).isFalse();

        // And a role starts again once the placement grants it here again at a new epoch
        kafka.send(assignment("fenced-sample", 2, SERVER, MoveReason.RESUME));
        Endpoint again = running(kafka, "fenced-sample", 2).endpoint();
        assertThat(LineClient.ask(again.host(), again.port(), "back")).isEqualTo(SERVER + " back");
        assertThat(kafka.readAll(Topic.ROLE_EVENTS, TIMEOUT).stream().map(kafka::decode)
                .filter(RoleStateChanged.class::isInstance).map(RoleStateChanged.class::cast)
                .filter(e -> e.state() == RoleState.STARTING && e.epoch() == 1))
                .as("each role started once at epoch 1").hasSize(2);
    }

    private static RoleStateChanged running(TestKafka kafka, String roleId, long epoch) {
        return kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class, about(roleId, epoch, RoleState.RUNNING),
                TIMEOUT);
    }

    private static RoleStateChanged fenced(TestKafka kafka, String roleId, Instant after) {
        RoleStateChanged stopped = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class,
                about(roleId, 1, RoleState.STOPPED).and(e -> e.occurredAt().isAfter(after)), TIMEOUT);
        assertThat(stopped.detail()).startsWith("fenced: no heartbeat acknowledged by Kafka for ")
                .endsWith("(lease " + LEASE.toMillis() + " ms); waiting for the placement to assign it here again");
        return stopped;
    }

    private static Predicate<RoleStateChanged> about(String roleId, long epoch, RoleState state) {
        return e -> e.roleId().equals(roleId) && e.serverId().equals(SERVER) && e.epoch() == epoch
                && e.state() == state;
    }

    /** The broker's append time (heartbeats use LogAppendTime) of the last heartbeat before {@code before}. */
    private static Instant lastHeartbeatAppendedBefore(TestKafka kafka, Instant before) {
        return kafka.readAll(Topic.HEARTBEATS, TIMEOUT).stream()
                .filter(r -> SERVER.equals(r.key()))
                .map(r -> Instant.ofEpochMilli(r.timestamp()))
                .filter(at -> at.isBefore(before))
                .max(Instant::compareTo).orElseThrow();
    }

    private static List<Heartbeat> heartbeatsAppendedAfter(TestKafka kafka, Instant after) {
        return kafka.readAll(Topic.HEARTBEATS, TIMEOUT).stream()
                .filter(r -> SERVER.equals(r.key()) && !Instant.ofEpochMilli(r.timestamp()).isBefore(after))
                .map(kafka::decode)
                .map(Heartbeat.class::cast)
                .toList();
    }
}
