package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import dev.baton.events.GatewayHeartbeat;
import dev.baton.events.Heartbeat;
import dev.baton.events.MaintenanceEnded;
import dev.baton.events.MaintenanceStarted;
import dev.baton.events.PlacementHeartbeat;
import dev.baton.events.ProxyDrained;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.events.Topic;
import dev.baton.placement.detector.ConsumerProgress;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the placement loop reads, through one consumer with every partition assigned (no consumer group,
 * so no rebalance can hide a partition), polled from the loop's thread:
 * <ul>
 *   <li>heartbeats, from a little before now, so a restarted instance knows at once who is alive;</li>
 *   <li>placement-control, from the beginning (it keeps about an hour), for the leader election and the highest
 *       term announced so far;</li>
 *   <li>role-assignments, from the beginning: the present assignment of every role, kept current while this
 *       instance stands by (the leader's decisions arrive here);</li>
 *   <li>config-events and server-events, from the end: a role configured or a server put in maintenance through
 *       any instance's admin API;</li>
 *   <li>proxy-events from the end, and the gateways' heartbeats among the heartbeats: what planned moves wait for
 *       (gateways that drained a role, gateways alive).</li>
 * </ul>
 * After every poll it reports, per stream, how far it has read: per partition the poll's start when its lag is
 * 0, otherwise the timestamp of the last record read from it; the minimum over the stream's partitions. Record
 * timestamps of heartbeats and placement-control are the broker's append times. Undecodable records are skipped;
 * their dead letters are published by the leader ({@link DeadLetterGate}).
 *
 * <h2>After a stall</h2>
 * The consumer's lag comes from the log-end offsets of its last fetch responses. After the process stalled (a
 * long GC pause, SIGSTOP, a starved CPU) the first polls hand out records fetched before the stall together with a
 * lag of 0 computed against the end the log had <em>then</em>; trusting it would make a resumed instance judge
 * servers and instances by heartbeats it has not read yet. So when more than {@code stallLimit} passed between
 * two polls beyond the poll's own timeout, the end offsets of heartbeats and placement-control are asked of the
 * broker, and each partition counts as behind until the consumer has read up to them.
 */
final class KafkaInputs implements LoopInputs, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaInputs.class);
    /**
     * How long an end-offset query may hold the loop's thread: a broker that does not answer within it fails the
     * takeover step that asked, which is tried again in a later round.
     */
    private static final Duration OFFSETS_TIMEOUT = Duration.ofSeconds(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec codec;
    private final DeadLetterGate deadLetters;
    private final Clock clock;
    private final KafkaSettings settings;
    private final List<TopicPartition> heartbeatPartitions;
    private final List<TopicPartition> controlPartitions;
    private final List<TopicPartition> assignmentPartitions;
    private final Map<TopicPartition, Instant> lastTimestamp = new HashMap<>();
    private final Duration stallLimit;
    /** Broker-confirmed end offsets the consumer must read up to before the cached lag is trusted again. */
    private final Map<TopicPartition, Long> mustReach = new HashMap<>();
    private boolean endsUnverified;
    private long lastPollReturnedNanos;

    /**
     * @param lookBack how far back heartbeats are read at start
     * @param stallLimit a gap between two polls longer than this (beyond the poll's timeout) is a stall, after
     *     which the consumer's cached lag is not trusted until the broker's end offsets are read
     */
    KafkaInputs(KafkaSettings settings, EventCodec codec, DeadLetterGate deadLetters, Clock clock, Duration lookBack,
            Duration stallLimit) {
        this.settings = settings;
        this.stallLimit = stallLimit;
        this.consumer = new KafkaConsumer<>(settings.consumer(null, "placement-inputs"));
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.heartbeatPartitions = partitions(Topic.HEARTBEATS);
        this.controlPartitions = partitions(Topic.PLACEMENT_CONTROL);
        this.assignmentPartitions = partitions(Topic.ROLE_ASSIGNMENTS);
        List<TopicPartition> configPartitions = partitions(Topic.CONFIG_EVENTS);
        List<TopicPartition> serverPartitions = partitions(Topic.SERVER_EVENTS);
        List<TopicPartition> proxyPartitions = partitions(Topic.PROXY_EVENTS);
        List<TopicPartition> all = new ArrayList<>();
        all.addAll(heartbeatPartitions);
        all.addAll(controlPartitions);
        all.addAll(assignmentPartitions);
        all.addAll(configPartitions);
        all.addAll(serverPartitions);
        all.addAll(proxyPartitions);
        consumer.assign(all);
        seekBack(heartbeatPartitions, lookBack);
        // All of it: the highest leadership term ever announced is in there (the topic keeps about an hour).
        consumer.seekToBeginning(controlPartitions);
        consumer.seekToBeginning(assignmentPartitions);
        consumer.seekToEnd(configPartitions);
        consumer.seekToEnd(serverPartitions);
        consumer.seekToEnd(proxyPartitions);
        // The first polls read the history: confirm the end with the broker before trusting any lag.
        this.endsUnverified = true;
        this.lastPollReturnedNanos = System.nanoTime();
    }

    private List<TopicPartition> partitions(Topic topic) {
        String name = settings.topic(topic);
        return consumer.partitionsFor(name, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(name, info.partition()))
                .toList();
    }

    private void seekBack(List<TopicPartition> partitions, Duration lookBack) {
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

    @Override
    public Batch poll(Duration timeout) {
        Instant pollStartedAt = clock.instant();
        ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
        long returned = System.nanoTime();
        if (returned - lastPollReturnedNanos > timeout.plus(stallLimit).toNanos()) {
            LOG.info("Reading paused for {} ms: confirming the end of heartbeats and placement-control with the broker",
                    (returned - lastPollReturnedNanos) / 1_000_000);
            endsUnverified = true;
        }
        verifyEnds();
        // From after the check: the time the check itself took is no stall of the reading.
        lastPollReturnedNanos = System.nanoTime();
        List<Stamped<Heartbeat>> heartbeats = new ArrayList<>();
        List<Stamped<PlacementHeartbeat>> instances = new ArrayList<>();
        List<RoleAssignment> assignments = new ArrayList<>();
        List<RoleConfigured> configurations = new ArrayList<>();
        List<BatonEvent> maintenance = new ArrayList<>();
        List<Stamped<BatonEvent>> gateways = new ArrayList<>();
        boolean rolesDeleted = false;
        for (ConsumerRecord<String, byte[]> record : records) {
            Instant timestamp = Instant.ofEpochMilli(record.timestamp());
            lastTimestamp.merge(new TopicPartition(record.topic(), record.partition()), timestamp,
                    (a, b) -> a.isAfter(b) ? a : b);
            if (record.value() == null) {
                // A tombstone on a compacted topic; on config-events, a deleted role.
                rolesDeleted |= record.topic().equals(settings.topic(Topic.CONFIG_EVENTS));
                continue;
            }
            BatonEvent event;
            try {
                event = codec.decode(record.value());
            } catch (EventDecodingException e) {
                deadLetters.reject(record, e.getMessage());
                continue;
            }
            if (event instanceof Heartbeat heartbeat) {
                heartbeats.add(new Stamped<>(heartbeat, timestamp));
            } else if (event instanceof PlacementHeartbeat instance) {
                instances.add(new Stamped<>(instance, timestamp));
            } else if (event instanceof RoleAssignment assignment) {
                assignments.add(assignment);
            } else if (event instanceof RoleConfigured configured) {
                configurations.add(configured);
            } else if (event instanceof MaintenanceStarted || event instanceof MaintenanceEnded) {
                maintenance.add(event);
            } else if (event instanceof GatewayHeartbeat || event instanceof ProxyDrained) {
                gateways.add(new Stamped<>(event, timestamp));
            } else if (!record.topic().equals(settings.topic(Topic.SERVER_EVENTS))
                    && !record.topic().equals(settings.topic(Topic.PROXY_EVENTS))) {
                LOG.warn("Ignoring {} on {}: not expected there", event.type().wireName(), record.topic());
            }
        }
        deadLetters.afterPoll();
        return new Batch(heartbeats, heartbeatProgress(pollStartedAt), instances,
                readThrough(controlPartitions, pollStartedAt), caughtUp(controlPartitions), assignments, configurations,
                maintenance, gateways, rolesDeleted);
    }

    private ConsumerProgress heartbeatProgress(Instant pollStartedAt) {
        Instant through = readThrough(heartbeatPartitions, pollStartedAt);
        return through.equals(pollStartedAt) ? ConsumerProgress.caughtUp(pollStartedAt) : ConsumerProgress.behind(through);
    }

    /** Asks the broker for the end offsets when they are in doubt; forgets those the consumer has reached. */
    private void verifyEnds() {
        if (endsUnverified) {
            List<TopicPartition> watched = new ArrayList<>(heartbeatPartitions);
            watched.addAll(controlPartitions);
            try {
                mustReach.putAll(consumer.endOffsets(watched, stallLimit.multipliedBy(4)));
                endsUnverified = false;
            } catch (KafkaException e) {
                LOG.warn("Could not read the end offsets of heartbeats and placement-control, reporting them as "
                        + "behind until it succeeds: {}", e.toString());
            }
        }
        mustReach.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    /** Whether the lag of {@code tp} is known to be 0, from the broker's recent answer. */
    private boolean readToEnd(TopicPartition tp) {
        if (endsUnverified || mustReach.containsKey(tp)) {
            return false;
        }
        OptionalLong lag = consumer.currentLag(tp);
        return lag.isPresent() && lag.getAsLong() == 0;
    }

    private boolean caughtUp(List<TopicPartition> partitions) {
        return partitions.stream().allMatch(this::readToEnd);
    }

    private Instant readThrough(List<TopicPartition> partitions, Instant pollStartedAt) {
        Instant readThrough = pollStartedAt;
        for (TopicPartition tp : partitions) {
            if (readToEnd(tp)) {
                continue;
            }
            // Unknown lag and nothing read yet: nothing can be said about this partition.
            Instant last = lastTimestamp.getOrDefault(tp, Instant.EPOCH);
            if (last.isBefore(readThrough)) {
                readThrough = last;
            }
        }
        return readThrough;
    }

    @Override
    public boolean reached(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    @Override
    public Map<TopicPartition, Long> assignmentEndOffsets() {
        return consumer.endOffsets(assignmentPartitions, OFFSETS_TIMEOUT);
    }

    @Override
    public Map<TopicPartition, Long> controlEndOffsets() {
        return consumer.endOffsets(controlPartitions, OFFSETS_TIMEOUT);
    }

    Set<TopicPartition> assignment() {
        return consumer.assignment();
    }

    @Override
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
