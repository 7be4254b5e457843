package dev.baton.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.HeartbeatAgent;
import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.testkit.LineClient;
import dev.baton.testkit.Await;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.ProxiedKafka;
import dev.baton.testkit.ProxiedKafkaExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent cut off from Kafka while its process lives: the class's own broker, which agent A reaches only through a
 * TCP proxy the test cuts; the placement-service and agents B and C use the broker's direct listener.
 */
@ExtendWith({ProxiedKafkaExtension.class, PostgresExtension.class})
class AgentCutOffIT {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCutOffIT.class);
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path workDir;

    private ProxiedKafka proxied;
    private Agents agents;
    private Placement placement;

    @AfterEach
    void cleanUp() {
        if (proxied != null) {
            proxied.proxy().restore();
        }
        Closer.closeAll(agents, placement);
    }

    @Test
    void shouldStopTheRoleOnACutOffAgentBeforeTheNextServerStartsIt(ProxiedKafka proxied, TestDatabase database) {
        this.proxied = proxied;
        TestKafka kafka = proxied.kafka();
        RoleEvents events = new RoleEvents(kafka);
        placement = Placement.start(kafka, database);
        agents = new Agents(kafka.bootstrapServers(), kafka.namespace(), workDir);
        String role = "cut-role";
        HeartbeatAgent a = agents.inProcess("cut-a", proxied.proxiedBootstrapServers());
        agents.inProcess("cut-b");
        agents.inProcess("cut-c");
        placement.awaitRegistered("cut-a", "cut-b", "cut-c");
        placement.createRole(Placement.role(role, "cut-a", "cut-b", "cut-c"));
        RoleStateChanged runningOnA = events.state(role, "cut-a", 1, RoleState.RUNNING);
        Endpoint onA = runningOnA.endpoint();
        assertThat(LineClient.ask(onA.host(), onA.port(), "hello")).isEqualTo("cut-a hello");

        // When A loses Kafka while its process lives
        proxied.proxy().cut();

        // Then A stops the role by itself, and the placement moves it to B
        Await.until("A's plugin stopped", T, () -> !Ports.accepts(onA));
        assertThat(a.fenced()).isTrue();
        RoleMoved failover = events.move(role, 2);
        assertThat(failover.reason()).isEqualTo(MoveReason.FAILOVER);
        assertThat(failover.from()).isEqualTo("cut-a");
        assertThat(failover.to()).isEqualTo("cut-b");
        RoleStateChanged startingOnB = events.state(role, "cut-b", 2, RoleState.STARTING);
        RoleStateChanged runningOnB = events.state(role, "cut-b", 2, RoleState.RUNNING);
        Endpoint onB = runningOnB.endpoint();
        assertThat(LineClient.ask(onB.host(), onB.port(), "hello")).isEqualTo("cut-b hello");

        // When Kafka is reachable again, A's report of the stop (made while cut off) arrives
        proxied.proxy().restore();
        RoleStateChanged stoppedOnA = events.state(role, "cut-a", 1, RoleState.STOPPED);
        assertThat(stoppedOnA.detail()).startsWith("fenced: no heartbeat acknowledged by Kafka for ");

        // Then A's copy ended before B's began: no moment with the role on both (one machine, one clock)
        assertThat(stoppedOnA.occurredAt()).as("A stopped (%s) before the placement decided the move (%s)",
                stoppedOnA.occurredAt(), failover.decidedAt()).isBefore(failover.decidedAt());
        assertThat(stoppedOnA.occurredAt()).as("A stopped before B started").isBefore(startingOnB.occurredAt());
        assertThat(stoppedOnA.occurredAt()).as("A stopped before B ran it").isBefore(runningOnB.occurredAt());
        assertThat(runningOnA.occurredAt()).isBefore(stoppedOnA.occurredAt());
        LOG.info("MEASURED cut-off: A stopped the role {} ms before the placement decided the move and {} ms before B"
                        + " reported it RUNNING",
                Duration.between(stoppedOnA.occurredAt(), failover.decidedAt()).toMillis(),
                Duration.between(stoppedOnA.occurredAt(), runningOnB.occurredAt()).toMillis());

        // And A, back, does not take the role again: it stays on B
        Await.until("cut-a UP again", T, () -> "UP".equals(placement.serverState("cut-a")));
        Awaitility.await("the role stays on cut-b").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> hostAndEpoch(role), "cut-b@2"::equals);
        assertThat(a.fenced()).isFalse();
        assertThat(events.statesOf(role, "cut-a")).containsExactly("STARTING@1", "RUNNING@1", "STOPPED@1");
        assertThat(Ports.accepts(onA)).isFalse();
    }

    private String hostAndEpoch(String roleId) {
        JsonNode role = placement.role(roleId);
        return role.path("hostingServer").asText("-") + "@" + role.path("epoch").asLong(-1);
    }
}
