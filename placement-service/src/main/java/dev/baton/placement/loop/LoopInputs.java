package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.Heartbeat;
import dev.baton.events.PlacementHeartbeat;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.placement.detector.ConsumerProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What the placement loop reads, polled from the loop's thread ({@link KafkaInputs} in production). A poll
 * returns within its timeout; the offset queries are bounded by the implementation's own timeouts.
 */
interface LoopInputs {

    /** An event with the timestamp of the record that carried it (the broker's append time where it matters). */
    record Stamped<T>(T event, Instant recordTimestamp) {
    }

    /** One poll's worth, sorted by stream; {@code rolesDeleted} when a role's configuration was deleted (a tombstone). */
    record Batch(
            List<Stamped<Heartbeat>> heartbeats,
            ConsumerProgress heartbeatProgress,
            List<Stamped<PlacementHeartbeat>> instances,
            Instant controlReadThrough,
            boolean controlCaughtUp,
            List<RoleAssignment> assignments,
            List<RoleConfigured> configurations,
            List<BatonEvent> maintenance,
            List<Stamped<BatonEvent>> gateways,
            boolean rolesDeleted) {
        public Batch {
            heartbeats = List.copyOf(heartbeats);
            instances = List.copyOf(instances);
            assignments = List.copyOf(assignments);
            configurations = List.copyOf(configurations);
            maintenance = List.copyOf(maintenance);
            gateways = List.copyOf(gateways);
        }
    }

    /** Polls once, up to {@code timeout}; never throws for a bad record. */
    Batch poll(Duration timeout);

    /** The current end offsets of placement-control, asked of the broker: what a candidate reads before taking over. */
    Map<TopicPartition, Long> controlEndOffsets();

    /** The current end (last stable) offsets of role-assignments: what a new leader must read before deciding. */
    Map<TopicPartition, Long> assignmentEndOffsets();

    /** Whether every partition of {@code end} has been read up to its offset. */
    boolean reached(Map<TopicPartition, Long> end);

    /** Wakes a blocked poll from another thread, to stop quickly. */
    void wakeup();
}
