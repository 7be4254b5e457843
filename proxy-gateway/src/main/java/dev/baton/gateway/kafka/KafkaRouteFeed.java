package dev.baton.gateway.kafka;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleEvent;
import dev.baton.events.Topic;
import dev.baton.gateway.GatewayMetrics;
import dev.baton.gateway.routing.ListenerPlan;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the gateway routes by, on a thread of its own: every partition of {@code role-assignments} from the
 * beginning (compacted: the present assignment of every role) and of {@code role-events} from its end at start-up;
 * and every partition of {@code config-events} from the beginning (compacted: the present configuration of every
 * role), of which the gateway needs each role's {@code gatewayPort}.
 * No consumer group: every gateway reads everything, and nothing is committed because the state is rebuilt from the
 * compacted topic at every start.
 *
 * <p>Why {@code role-events} from the end: it is 30 days of history whose present state the compacted assignments
 * already carry (an assignment names its endpoint once the host reported RUNNING), and the epoch rule makes the
 * order in which the two topics are interleaved irrelevant. Its end offsets are fixed before the assignments are
 * read, so nothing published during the start-up is missed.
 *
 * <p>Records that cannot be decoded are skipped with one warning each and counted. They are not sent to the
 * dead-letter topic from here: the audit-service reads every topic under a committed consumer group and records
 * each undecodable record once, whereas every gateway instance re-reads the compacted topic at each start and would
 * dead-letter the same record again every time.
 */
public final class KafkaRouteFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRouteFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long MAX_BACKOFF_MS = 5_000;

    /** Receives what the feed read; called on the feed's thread, must hand off rather than block. */
    public interface Listener {
        void events(List<BatonEvent> events);

        void assignmentsRead();

        /** The gateway ports of roles whose configuration was read, in order; a tombstone is a null port. */
        void gatewayPorts(List<ListenerPlan.RolePort> ports);

        void configRead();
    }

    private final KafkaSettings settings;
    private final EventCodec codec;
    private final GatewayMetrics metrics;
    private final Listener listener;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;

    public KafkaRouteFeed(KafkaSettings settings, EventCodec codec, GatewayMetrics metrics, Listener listener) {
        this.settings = settings;
        this.codec = codec;
        this.metrics = metrics;
        this.listener = listener;
        this.thread = new Thread(this::run, "gateway-route-feed");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        long backoff = 100;
        while (stopping.getCount() > 0) {
            try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(settings.consumer(null, "routes"))) {
                consumer = kafka;
                if (stopping.getCount() == 0) {
                    return;
                }
                consume(kafka);
                return;
            } catch (WakeupException e) {
                return;
            } catch (KafkaException | IllegalStateException e) {
                if (stopping.getCount() == 0) {
                    return;
                }
                LOG.warn("Route feed failed, restarting it in {} ms: {}", backoff, e.toString());
                try {
                    if (stopping.await(backoff, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    private void consume(KafkaConsumer<String, byte[]> kafka) {
        String assignmentsTopic = settings.topic(Topic.ROLE_ASSIGNMENTS);
        String eventsTopic = settings.topic(Topic.ROLE_EVENTS);
        String configTopic = settings.topic(Topic.CONFIG_EVENTS);
        List<TopicPartition> assignments = partitions(kafka, assignmentsTopic);
        List<TopicPartition> events = partitions(kafka, eventsTopic);
        List<TopicPartition> config = partitions(kafka, configTopic);
        List<TopicPartition> all = new ArrayList<>(assignments);
        all.addAll(events);
        all.addAll(config);
        kafka.assign(all);
        kafka.seekToEnd(events);
        // position() resolves the lazy seek now, before the assignments are read: no gap at start-up.
        events.forEach(kafka::position);
        kafka.seekToBeginning(assignments);
        kafka.seekToBeginning(config);
        Map<TopicPartition, Long> assignmentsEnd = kafka.endOffsets(assignments);
        Map<TopicPartition, Long> configEnd = kafka.endOffsets(config);
        boolean assignmentsRead = false;
        boolean configRead = false;
        LOG.info("Route feed reading {} and {} from the beginning ({} and {} records at most) and {} from its end",
                assignmentsTopic, configTopic, assignmentsEnd.values().stream().mapToLong(Long::longValue).sum(),
                configEnd.values().stream().mapToLong(Long::longValue).sum(), eventsTopic);
        while (stopping.getCount() > 0) {
            ConsumerRecords<String, byte[]> records = kafka.poll(POLL);
            List<BatonEvent> batch = new ArrayList<>(records.count());
            List<ListenerPlan.RolePort> ports = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                if (record.topic().equals(configTopic)) {
                    ListenerPlan.RolePort port = gatewayPort(record);
                    if (port != null) {
                        ports.add(port);
                    }
                    continue;
                }
                BatonEvent event = decode(record, assignmentsTopic);
                if (event != null) {
                    batch.add(event);
                }
            }
            if (!batch.isEmpty()) {
                listener.events(batch);
            }
            if (!ports.isEmpty()) {
                listener.gatewayPorts(ports);
            }
            if (!assignmentsRead && reached(kafka, assignmentsEnd)) {
                assignmentsRead = true;
                listener.assignmentsRead();
            }
            if (!configRead && reached(kafka, configEnd)) {
                configRead = true;
                listener.configRead();
            }
        }
    }

    /** The role's gateway port from a config-events record; a tombstone (the role deleted) has none. */
    private ListenerPlan.RolePort gatewayPort(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return record.key() == null ? null : ListenerPlan.RolePort.deleted(record.key());
        }
        RoleConfigured configured = decode(record, RoleConfigured.class);
        return configured == null ? null
                : new ListenerPlan.RolePort(configured.roleId(), configured.gatewayPort(), configured.version(),
                        configured.inFlight());
    }

    private BatonEvent decode(ConsumerRecord<String, byte[]> record, String assignmentsTopic) {
        if (record.value() == null) {
            // A tombstone: the role's assignment was deleted from the compacted topic. Nothing to route by.
            LOG.info("Route feed: {}-{}@{} key={} is a tombstone; ignored", record.topic(), record.partition(),
                    record.offset(), record.key());
            return null;
        }
        return record.topic().equals(assignmentsTopic) ? decode(record, RoleAssignment.class)
                : decode(record, RoleEvent.class);
    }

    /** The record's event, or null (one warning, counted) when it cannot be decoded as {@code expected}. */
    private <T extends BatonEvent> T decode(ConsumerRecord<String, byte[]> record, Class<T> expected) {
        try {
            return codec.decode(record.value(), expected);
        } catch (EventDecodingException e) {
            metrics.recordSkipped();
            LOG.warn("Route feed skipped {}-{}@{} key={}: {}", record.topic(), record.partition(), record.offset(),
                    record.key(), e.getMessage());
            return null;
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> kafka, String topic) {
        List<TopicPartition> partitions = kafka.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions");
        }
        return partitions;
    }

    private static boolean reached(KafkaConsumer<String, byte[]> kafka, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            if (kafka.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Stops the feed and waits for its thread. */
    @Override
    public void close() {
        stopping.countDown();
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
