package dev.baton.bench;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.events.PlacementHeartbeat;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.RoleUnplaced;
import dev.baton.events.ServerDown;
import dev.baton.events.ServerUp;
import dev.baton.events.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the control plane did during a run, read from Kafka with a plain consumer (every partition assigned, no
 * group, committed records only, from the end at start): RoleMoved, RoleUnplaced and RoleStateChanged FAILED on
 * role-events, ServerDown and ServerUp on server-events, and changes of the placement leader (a heartbeat claiming
 * leadership from another instance or in another term) on placement-control.
 */
public final class FailoverEvents implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EventCodec codec = new EventCodec();
    private final Thread thread;
    private final List<BatonEvent> roleMoves = new ArrayList<>();
    private final List<BatonEvent> serverEvents = new ArrayList<>();
    private final List<String> leaderChanges = new ArrayList<>();
    private final List<RoleStateChanged> failed = new ArrayList<>();
    private String leader;
    private long undecodable;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicLong catchUpRequested = new java.util.concurrent.atomic.AtomicLong();
    private volatile long catchUpDone;

    private FailoverEvents(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-failover-events");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic topic : List.of(Topic.ROLE_EVENTS, Topic.SERVER_EVENTS, Topic.PLACEMENT_CONTROL)) {
            consumer.partitionsFor(topic.topicName(), Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = new Thread(this::run, "bench-event-watch");
        thread.setDaemon(true);
    }

    /** Starts watching from the current end of each topic. */
    public static FailoverEvents start(String bootstrap) {
        FailoverEvents events = new FailoverEvents(bootstrap);
        events.thread.start();
        return events;
    }

    private void run() {
        long handling = 0;
        java.util.Map<TopicPartition, Long> target = null;
        try {
            while (running) {
                long requested = catchUpRequested.get();
                if (requested > handling) {
                    handling = requested;
                    target = consumer.endOffsets(consumer.assignment());
                }
                if (target != null && target.entrySet().stream()
                        .allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                    catchUpDone = handling;
                    target = null;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    BatonEvent event;
                    try {
                        event = codec.decode(record.value());
                    } catch (RuntimeException e) {
                        synchronized (this) {
                            undecodable++;
                        }
                        continue;
                    }
                    accept(event);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private synchronized void accept(BatonEvent event) {
        if (event instanceof RoleMoved || event instanceof RoleUnplaced) {
            roleMoves.add(event);
        } else if (event instanceof RoleStateChanged changed && changed.state().name().equals("FAILED")) {
            failed.add(changed);
        } else if (event instanceof ServerDown || event instanceof ServerUp) {
            serverEvents.add(event);
        } else if (event instanceof PlacementHeartbeat heartbeat && Boolean.TRUE.equals(heartbeat.leader())) {
            String now = heartbeat.instanceId() + "@" + heartbeat.term();
            if (leader != null && !leader.equals(now)) {
                leaderChanges.add(heartbeat.occurredAt() + " " + leader + " -> " + now);
            }
            leader = now;
        }
    }

    /** Waits until everything committed on the watched topics when this is called has been read. */
    public void awaitCaughtUp(Duration timeout) throws InterruptedException {
        long request = catchUpRequested.incrementAndGet();
        FailoverCluster.await("the event watch to read to the end of its topics", timeout,
                () -> catchUpDone >= request ? Boolean.TRUE : null);
    }

    /** RoleMoved and RoleUnplaced events seen. */
    public synchronized List<BatonEvent> roleMoves() {
        return List.copyOf(roleMoves);
    }

    /** ServerDown events seen. */
    public synchronized List<ServerDown> serverDowns() {
        return serverEvents.stream().filter(ServerDown.class::isInstance).map(ServerDown.class::cast).toList();
    }

    /** RoleStateChanged FAILED events seen. */
    public synchronized List<RoleStateChanged> failedReports() {
        return List.copyOf(failed);
    }

    /** Leader changes seen ({@code time old -> new}). */
    public synchronized List<String> leaderChanges() {
        return List.copyOf(leaderChanges);
    }

    /** The leader ({@code instance@term}) of the last leader heartbeat seen; null before any. */
    public synchronized String leader() {
        return leader;
    }

    public synchronized long undecodable() {
        return undecodable;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
