package dev.baton.agent.kafka;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleEvent;
import dev.baton.events.Topic;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the agent acts on, on a thread of its own ({@code assignment-reader}), with one consumer that is
 * assigned every partition (no consumer group: each agent reads everything, and nothing is committed):
 * <ul>
 *   <li>{@code role-assignments} and {@code config-events}, both compacted, from the beginning: the present
 *       assignment and configuration of every role, then every change;</li>
 *   <li>{@code role-events} from the end: other servers reporting a role RUNNING, which completes a planned move.
 *       Only what happens after the agent started matters there.</li>
 * </ul>
 * Events go to the {@link Sink} one poll at a time, with whether the reader has caught up with the compacted topics
 * as they were at start-up. Records that cannot be decoded go to the dead-letter topic; tombstones (deleted keys of
 * a compacted topic) are skipped.
 */
public final class KafkaAssignmentReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAssignmentReader.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration POSITION_TIMEOUT = Duration.ofMillis(100);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    private static final long RETRY_MILLIS = 1000;

    /** Where decoded events go; called on the reader's thread. */
    public interface Sink {
        void onEvents(List<BatonEvent> events, boolean caughtUp);
    }

    private final KafkaSettings kafka;
    private final EventCodec codec;
    private final KafkaEventPublisher deadLetters;
    private final Sink sink;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;
    private final CountDownLatch closing = new CountDownLatch(1);

    public KafkaAssignmentReader(KafkaSettings kafka, EventCodec codec, KafkaEventPublisher deadLetters, Sink sink) {
        this.kafka = kafka;
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.sink = sink;
        this.consumer = new KafkaConsumer<>(consumerProperties(kafka));
        this.thread = new Thread(this::run, "assignment-reader");
        this.thread.setDaemon(true);
    }

    static Properties consumerProperties(KafkaSettings kafka) {
        Properties props = kafka.consumer(null, "assignments");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // A partition that healed should be read again within seconds, not after the default 30 s request timeout.
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        props.put(ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, "1000");
        props.put(ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, "2000");
        // The broker answers a fetch as soon as one byte is there (fetch.min.bytes=1), so a long wait costs no
        // latency; it only makes an idle agent ask less often (CPU budget: 2% idle).
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "1000");
        return props;
    }

    public void start() {
        started = true;
        thread.start();
    }

    private void run() {
        try {
            List<TopicPartition> fromStart = new ArrayList<>(partitions(Topic.ROLE_ASSIGNMENTS));
            fromStart.addAll(partitions(Topic.CONFIG_EVENTS));
            List<TopicPartition> fromEnd = partitions(Topic.ROLE_EVENTS);
            List<TopicPartition> all = new ArrayList<>(fromStart);
            all.addAll(fromEnd);
            consumer.assign(all);
            consumer.seekToBeginning(fromStart);
            consumer.seekToEnd(fromEnd);
            Map<TopicPartition, Long> startEnd = endOffsets(fromStart);
            LOG.info("Reading {} and {} from the beginning and {} from now on",
                    kafka.topic(Topic.ROLE_ASSIGNMENTS), kafka.topic(Topic.CONFIG_EVENTS), kafka.topic(Topic.ROLE_EVENTS));
            // Empty topics: caught up before the first poll, which would otherwise wait out its timeout for nothing.
            boolean caughtUp = reached(startEnd);
            if (caughtUp) {
                sink.onEvents(List.of(), true);
            }
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(POLL);
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    LOG.warn("Polling assignments failed: {}; retrying", e.toString());
                    pauseBeforeRetry();
                    continue;
                }
                List<BatonEvent> events = new ArrayList<>(records.count());
                for (ConsumerRecord<String, byte[]> record : records) {
                    BatonEvent event = decode(record);
                    if (event != null) {
                        events.add(event);
                    }
                }
                boolean wasCaughtUp = caughtUp;
                caughtUp = caughtUp || reached(startEnd);
                if (!events.isEmpty() || caughtUp != wasCaughtUp) {
                    sink.onEvents(events, caughtUp);
                }
            }
        } catch (WakeupException e) {
            // close() woke the consumer up: done.
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("Assignment reader stopped: {}", e.toString(), e);
            }
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
            } catch (RuntimeException e) {
                LOG.debug("Closing the assignment consumer: {}", e.toString());
            }
        }
    }

    private BatonEvent decode(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            LOG.debug("Skipping tombstone {}-{}@{} key={}", record.topic(), record.partition(), record.offset(),
                    record.key());
            return null;
        }
        try {
            BatonEvent event = codec.decode(record.value());
            if (event instanceof RoleAssignment || event instanceof RoleConfigured || event instanceof RoleEvent) {
                return event;
            }
            deadLetters.deadLetter(record, "unexpected " + event.type().wireName() + " on " + record.topic());
        } catch (EventDecodingException e) {
            deadLetters.deadLetter(record, e.getMessage());
        }
        return null;
    }

    /** The partitions of {@code topic}, waiting (and saying so) until the topic exists and Kafka answers. */
    private List<TopicPartition> partitions(Topic topic) {
        String name = kafka.topic(topic);
        boolean logged = false;
        while (running) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(name, METADATA_TIMEOUT);
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(info -> new TopicPartition(name, info.partition())).toList();
                }
                if (!logged) {
                    LOG.warn("Topic {} does not exist yet; waiting for it", name);
                    logged = true;
                }
            } catch (KafkaException e) {
                if (e instanceof WakeupException) {
                    throw e;
                }
                if (!logged) {
                    LOG.warn("Cannot read the partitions of {} yet: {}; retrying", name, e.toString());
                    logged = true;
                }
            }
            pauseBeforeRetry();
        }
        throw new WakeupException();
    }

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
        while (running) {
            try {
                return consumer.endOffsets(partitions, METADATA_TIMEOUT);
            } catch (KafkaException e) {
                if (e instanceof WakeupException) {
                    throw e;
                }
                LOG.warn("Cannot read the end offsets of the assignment and configuration topics: {}; retrying",
                        e.toString());
                pauseBeforeRetry();
            }
        }
        throw new WakeupException();
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        try {
            for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
                if (consumer.position(entry.getKey(), POSITION_TIMEOUT) < entry.getValue()) {
                    return false;
                }
            }
            return true;
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // Position unknown for now (Kafka unreachable): not caught up yet, ask again after the next poll.
            return false;
        }
    }

    private void pauseBeforeRetry() {
        // A back-off between retries against an unreachable broker; close() cuts it short. Not an interrupt: an
        // interrupted consumer fails to close cleanly.
        try {
            if (closing.await(RETRY_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new WakeupException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            return;
        }
        closing.countDown();
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
