package dev.baton.placement.loop;

import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.Topic;
import dev.baton.placement.policy.Assignment;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the present assignments from the compacted role-assignments topic: the latest record per role, read
 * from the beginning to the end offsets taken at the start. A restarted placement continues every role's epoch
 * from here, so epochs keep increasing across restarts.
 */
final class KafkaAssignmentReader {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAssignmentReader.class);

    /** The bootstrap result: assignments and the endpoints already published with them. */
    record Present(List<Assignment> assignments, Map<String, Endpoint> endpoints, Map<String, MoveReason> reasons) {
    }

    private KafkaAssignmentReader() {
    }

    static Present read(KafkaSettings settings, EventCodec codec, Duration timeout) {
        Map<String, RoleAssignment> latest = new HashMap<>();
        String topic = settings.topic(Topic.ROLE_ASSIGNMENTS);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings.consumer(null, "assignments-bootstrap"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.value() == null) {
                        latest.remove(record.key());
                        continue;
                    }
                    try {
                        RoleAssignment assignment = codec.decode(record.value(), RoleAssignment.class);
                        RoleAssignment known = latest.get(assignment.roleId());
                        if (known == null || assignment.epoch() >= known.epoch()) {
                            latest.put(assignment.roleId(), assignment);
                        }
                    } catch (EventDecodingException e) {
                        LOG.warn("Skipping undecodable assignment {}-{}@{}: {}", record.topic(), record.partition(),
                                record.offset(), e.getMessage());
                    }
                }
            }
        }
        List<Assignment> assignments = new ArrayList<>();
        Map<String, Endpoint> endpoints = new HashMap<>();
        Map<String, MoveReason> reasons = new HashMap<>();
        for (RoleAssignment a : latest.values()) {
            reasons.put(a.roleId(), a.reason());
            assignments.add(a.serverId() == null
                    ? Assignment.unplaced(a.roleId(), a.epoch())
                    : Assignment.placed(a.roleId(), a.epoch(), a.serverId()));
            if (a.endpoint() != null) {
                endpoints.put(a.roleId(), a.endpoint());
            }
        }
        LOG.info("Read {} role assignments from {}", assignments.size(), topic);
        return new Present(assignments, endpoints, reasons);
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
