package dev.baton.agent;

import dev.baton.events.RoleState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The agent's meters, scraped at {@code /metrics}: heartbeats sent, acknowledged and failed, the lease left,
 * fences, roles per state, plugin failures and the time from an assignment to RUNNING.
 */
final class AgentMetrics {
    final Counter heartbeatsSent;
    final Counter heartbeatsAcked;
    final Counter heartbeatsFailed;
    final Counter fences;
    final Counter pluginFailures;
    final Timer startToRunning;

    AgentMetrics(MeterRegistry registry, Supplier<Number> leaseRemainingMillis, Supplier<Number> fenced,
            Supplier<Map<RoleState, Integer>> roles) {
        heartbeatsSent = Counter.builder("baton.agent.heartbeats.sent")
                .description("Heartbeats handed to the producer").register(registry);
        heartbeatsAcked = Counter.builder("baton.agent.heartbeats.acked")
                .description("Heartbeats acknowledged by Kafka").register(registry);
        heartbeatsFailed = Counter.builder("baton.agent.heartbeats.failed")
                .description("Heartbeats Kafka did not acknowledge within the lease").register(registry);
        fences = Counter.builder("baton.agent.fences")
                .description("Times the lease expired and every role was stopped").register(registry);
        pluginFailures = Counter.builder("baton.agent.plugin.failures")
                .description("Plugins reported FAILED").register(registry);
        startToRunning = Timer.builder("baton.agent.plugin.start")
                .description("From the decision to start a role to its plugin accepting connections")
                .register(registry);
        Gauge.builder("baton.agent.lease.remaining", leaseRemainingMillis)
                .description("Milliseconds of lease left (0: fenced or not acquired yet)").baseUnit("milliseconds")
                .register(registry);
        Gauge.builder("baton.agent.fenced", fenced)
                .description("1 while the agent holds no lease and runs no role").register(registry);
        for (RoleState state : RoleState.values()) {
            Gauge.builder("baton.agent.roles", () -> roles.get().getOrDefault(state, 0))
                    .description("Roles hosted on this server by state").tag("state", state.name())
                    .register(registry);
        }
    }
}
