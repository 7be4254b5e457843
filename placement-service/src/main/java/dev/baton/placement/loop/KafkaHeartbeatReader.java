package dev.baton.placement.loop;

import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import dev.baton.events.Heartbeat;
import dev.baton.events.Topic;
import dev.baton.placement.detector.ConsumerProgress;
import dev.baton.runtime.kafka.DeadLetters;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads heartbeats for the failure detector: every partition assigned (no consumer group, so no rebalance can
 * hide a partition), starting a little before now so a restarted placement knows at once who is alive.
 *
 * <p>After every poll it reports {@link ConsumerProgress}: per partition, the poll's start when its lag is 0,
 * otherwise the timestamp of the last record read from it; the minimum over partitions. Record timestamps are
 * the broker's append times ({@link Topic#logAppendTime()}).
 *
 * <p>Undecodable records go to the dead-letter topic and are skipped. Confined to the placement loop's thread.
 */
final class KafkaHeartbeatReader implements AutoCloseable {

    /** One poll's worth: the decoded heartbeats with their record timestamps, and how far the stream was read. */
    record Batch(List<Stamped> heartbeats, ConsumerProgress progress) {
    }

    record Stamped(Heartbeat heartbeat, Instant recordTimestamp) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec codec;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Instant> lastTimestamp = new HashMap<>();

    KafkaHeartbeatReader(KafkaSettings settings, String instanceId, EventCodec codec, DeadLetters deadLetters,
            Clock clock, Duration lookBack) {
        this.consumer = new KafkaConsumer<>(settings.consumer(null, "heartbeats"));
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.clock = clock;
        String topic = settings.topic(Topic.HEARTBEATS);
        this.partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        seekBack(lookBack);
    }

    /** Starts {@code lookBack} before now: enough history to judge liveness at once, not the whole retention. */
    private void seekBack(Duration lookBack) {
        long from = clock.instant().minus(lookBack).toEpochMilli();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, from));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp found = offsets.get(tp);
            if (found == null) {
                toEnd.add(tp);
            } else {
                consumer.seek(tp, found.offset());
            }
        }
        consumer.seekToEnd(toEnd);
    }

    /** Polls once (up to {@code timeout}); never throws for a bad record. */
    Batch poll(Duration timeout) {
        Instant pollStartedAt = clock.instant();
        ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
        List<Stamped> heartbeats = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            Instant timestamp = Instant.ofEpochMilli(record.timestamp());
            lastTimestamp.merge(new TopicPartition(record.topic(), record.partition()), timestamp,
                    (a, b) -> a.isAfter(b) ? a : b);
            try {
                heartbeats.add(new Stamped(codec.decode(record.value(), Heartbeat.class), timestamp));
            } catch (EventDecodingException e) {
                deadLetters.publish(record, e.getMessage());
            }
        }
        return new Batch(heartbeats, progress(pollStartedAt));
    }

    private ConsumerProgress progress(Instant pollStartedAt) {
        Instant readThrough = pollStartedAt;
        boolean caughtUp = true;
        for (TopicPartition tp : partitions) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent() && lag.getAsLong() == 0) {
                continue;
            }
            caughtUp = false;
            Instant last = lastTimestamp.get(tp);
            // Unknown lag and nothing read yet: nothing can be said about this partition beyond the start.
            Instant partitionThrough = last != null ? last : Instant.EPOCH;
            if (partitionThrough.isBefore(readThrough)) {
                readThrough = partitionThrough;
            }
        }
        return caughtUp ? ConsumerProgress.caughtUp(pollStartedAt) : ConsumerProgress.behind(readThrough);
    }

    /** Wakes a blocked poll from another thread, to stop quickly. */
    void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
