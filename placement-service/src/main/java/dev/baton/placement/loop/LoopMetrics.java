package dev.baton.placement.loop;

import dev.baton.events.MoveReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The placement loop's meters. */
final class LoopMetrics {
    final Counter heartbeats;
    final Counter heartbeatsIgnored;
    final Counter unplaced;
    final Counter publishFailures;
    final Counter loopErrors;
    final Counter takeovers;
    final Counter stepDowns;
    final Timer decisionNanos;
    final AtomicInteger roles;
    /** Roles whose actual state is not RUNNING (starting, failed, unplaced or held), as of the latest round. */
    final AtomicInteger rolesNotServing;
    /** 1 while the safety brake holds failovers. */
    final AtomicInteger safetyBrake;
    private final Map<MoveReason, Counter> moves = new EnumMap<>(MoveReason.class);
    /** How far the heartbeat stream has been read (epoch milliseconds); {@link Long#MIN_VALUE} before any poll. */
    private final AtomicLong heartbeatReadThrough = new AtomicLong(Long.MIN_VALUE);

    LoopMetrics(MeterRegistry registry, Clock clock) {
        heartbeats = registry.counter("baton_placement_heartbeats_total");
        heartbeatsIgnored = registry.counter("baton_placement_heartbeats_ignored_total");
        unplaced = registry.counter("baton_placement_unplaced_total");
        publishFailures = registry.counter("baton_placement_publish_failures_total");
        loopErrors = registry.counter("baton_placement_loop_errors_total");
        takeovers = registry.counter("baton_placement_takeovers_total");
        stepDowns = registry.counter("baton_placement_step_downs_total");
        decisionNanos = Timer.builder("baton_placement_round").description("one evaluate-decide-publish round")
                .publishPercentiles(0.5, 0.99).register(registry);
        roles = registry.gauge("baton_placement_roles", new AtomicInteger());
        rolesNotServing = registry.gauge("baton_placement_roles_not_serving", new AtomicInteger());
        safetyBrake = registry.gauge("baton_placement_safety_brake", new AtomicInteger());
        // The failure detector judges silence up to the read-through: this is how stale its knowledge is now.
        Gauge.builder("baton_placement_heartbeat_lag_seconds", heartbeatReadThrough, through -> {
            long readThrough = through.get();
            return readThrough == Long.MIN_VALUE ? Double.NaN : Math.max(0, clock.millis() - readThrough) / 1000.0;
        }).description("now minus how far the heartbeat stream has been read (the failure detector's horizon)")
                .register(registry);
        for (MoveReason reason : MoveReason.values()) {
            moves.put(reason, registry.counter("baton_placement_moves_total", "reason", reason.name()));
        }
    }

    /** The heartbeat consumer's progress after a poll; the read position never moves back. */
    void heartbeatReadThrough(Instant readThrough) {
        heartbeatReadThrough.accumulateAndGet(readThrough.toEpochMilli(), Math::max);
    }

    Counter moves(MoveReason reason) {
        return moves.get(reason);
    }
}
