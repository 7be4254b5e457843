package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.Heartbeat;
import dev.baton.events.PlacementHeartbeat;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.placement.detector.ConsumerProgress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The loop's inputs without a broker: what a test offers is handed out by the next poll, with the heartbeat and
 * control streams read through the clock's now (caught up). Polls return at once. Reading a topic to its end
 * succeeds unless the test says it never does.
 */
final class FakeInputs implements LoopInputs {
    static final TopicPartition ASSIGNMENTS = new TopicPartition("test.role-assignments", 0);
    static final TopicPartition CONTROL = new TopicPartition("test.placement-control", 0);

    private final Clock clock;
    private final List<Stamped<Heartbeat>> heartbeats = new ArrayList<>();
    private final List<Stamped<PlacementHeartbeat>> instances = new ArrayList<>();
    private final List<RoleAssignment> assignments = new ArrayList<>();
    private final List<RoleConfigured> configurations = new ArrayList<>();
    private final List<BatonEvent> maintenance = new ArrayList<>();
    private volatile boolean assignmentsReachable = true;

    FakeInputs(Clock clock) {
        this.clock = clock;
    }

    void heartbeat(Heartbeat heartbeat) {
        heartbeats.add(new Stamped<>(heartbeat, clock.instant()));
    }

    void configured(RoleConfigured configured) {
        configurations.add(configured);
    }

    void serverEvent(BatonEvent event) {
        maintenance.add(event);
    }

    /** From now on role-assignments is never read to its end: a takeover cannot finish. */
    void neverReachAssignmentsEnd() {
        assignmentsReachable = false;
    }

    @Override
    public Batch poll(Duration timeout) {
        Batch batch = new Batch(heartbeats, ConsumerProgress.caughtUp(clock.instant()), instances, clock.instant(), true,
                assignments, configurations, maintenance, List.of(), false);
        heartbeats.clear();
        instances.clear();
        assignments.clear();
        configurations.clear();
        maintenance.clear();
        return batch;
    }

    @Override
    public Map<TopicPartition, Long> controlEndOffsets() {
        return Map.of(CONTROL, 0L);
    }

    @Override
    public Map<TopicPartition, Long> assignmentEndOffsets() {
        return Map.of(ASSIGNMENTS, 0L);
    }

    @Override
    public boolean reached(Map<TopicPartition, Long> end) {
        return assignmentsReachable || !end.containsKey(ASSIGNMENTS);
    }

    @Override
    public void wakeup() {
    }
}
