package dev.baton.bench;

import dev.baton.agent.kafka.KafkaHeartbeatPublisher;
import dev.baton.events.BatonEvent;
import dev.baton.events.Endpoint;
import dev.baton.events.EventCodec;
import dev.baton.events.Heartbeat;
import dev.baton.events.HostedRole;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.ServerDown;
import dev.baton.events.ServerKind;
import dev.baton.events.Topic;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The mass-failover benchmark's view of the world: simulated agents heartbeating, and a follower reading what
 * placement decides.
 */
final class MassFailoverAgents {
    private MassFailoverAgents() {
    }

    /**
     * One simulated agent: a thread sending a real {@link Heartbeat} every 100 ms with the heartbeat-agent's own
     * producer settings ({@link KafkaHeartbeatPublisher#producerProperties}), reporting as RUNNING every role the
     * follower has seen assigned to it (at its epoch, with an endpoint), as a real agent does once its roles run.
     * {@link #silence()} stops it at once, as {@code kill -9} would.
     */
    static final class Agent implements AutoCloseable {
        static final Duration INTERVAL = Duration.ofMillis(100);
        static final Duration LEASE = Duration.ofMillis(500);

        private final String serverId;
        private final String incarnation = UUID.randomUUID().toString();
        private final Follower follower;
        private final KafkaProducer<String, byte[]> producer;
        private final String topic;
        private final Thread thread;
        private final AtomicLong failed = new AtomicLong();
        private final AtomicReference<Exception> firstError = new AtomicReference<>();
        private volatile boolean running = true;
        private volatile int lastSize;

        Agent(KafkaSettings kafka, String serverId, Follower follower) {
            this.serverId = serverId;
            this.follower = follower;
            this.topic = kafka.topic(Topic.HEARTBEATS);
            this.producer = new KafkaProducer<>(KafkaHeartbeatPublisher.producerProperties(kafka, INTERVAL, LEASE));
            this.thread = new Thread(this::run, "agent-" + serverId);
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            EventCodec codec = new EventCodec();
            long sequence = 0;
            long next = System.nanoTime();
            while (running) {
                List<HostedRole> roles = new ArrayList<>();
                for (RoleAssignment assignment : follower.assignedTo(serverId)) {
                    int port = 20_000 + Math.floorMod(assignment.roleId().hashCode(), 40_000);
                    roles.add(new HostedRole(assignment.roleId(), assignment.epoch(), RoleState.RUNNING,
                            new Endpoint("127.0.0.1", port)));
                }
                byte[] value = codec.encode(new Heartbeat(UUID.randomUUID(), Instant.now(), serverId, incarnation,
                        sequence++, "127.0.0.1", ServerKind.EXPANSION, roles, List.of()));
                lastSize = value.length;
                try {
                    producer.send(new ProducerRecord<>(topic, serverId, value), (metadata, error) -> {
                        if (error != null) {
                            failed.incrementAndGet();
                            firstError.compareAndSet(null, error);
                        }
                    });
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e);
                }
                next += INTERVAL.toNanos();
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }

        /** Heartbeats that were not acknowledged. */
        long failed() {
            return failed.get();
        }

        Exception firstError() {
            return firstError.get();
        }

        /** Size of the last heartbeat's value, in bytes. */
        int lastSize() {
            return lastSize;
        }

        /** Stops heartbeating at once and drops what was not sent yet; returns the wall-clock instant. */
        Instant silence() {
            running = false;
            LockSupport.unpark(thread);
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Instant at = Instant.now();
            producer.close(Duration.ZERO);
            return at;
        }

        @Override
        public void close() {
            if (running) {
                silence();
            }
        }
    }

    /** A RoleMoved as the follower received it. */
    record Received(RoleMoved moved, long recordTimestamp, long receivedAtMillis) {
    }

    /** A ServerDown as the follower received it. */
    record DownReceived(ServerDown down, long receivedAtMillis) {
    }

    /**
     * Reads role-assignments (from the beginning), role-events and server-events with {@code read_committed} and
     * every partition assigned, as any Baton reader does; keeps the latest assignment of each role, every RoleMoved
     * and every ServerDown with the instant it arrived here.
     */
    static final class Follower implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final EventCodec codec = new EventCodec();
        private final Map<String, RoleAssignment> assignments = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<Received> moves = new ConcurrentLinkedQueue<>();
        private final Map<String, DownReceived> downs = new ConcurrentHashMap<>();
        private final Thread thread;
        private final String serverEvents;
        private volatile boolean running = true;

        /**
         * @param fetchMaxWaitMs the consumer's {@code fetch.max.wait.ms}, or null for the services' settings as they
         *     are (Kafka's default, 500 ms)
         */
        Follower(KafkaSettings kafka, Integer fetchMaxWaitMs) {
            java.util.Properties props = kafka.consumer(null, "bench-follower");
            if (fetchMaxWaitMs != null) {
                props.put(org.apache.kafka.clients.consumer.ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                        Integer.toString(fetchMaxWaitMs));
            }
            consumer = new KafkaConsumer<>(props);
            serverEvents = kafka.topic(Topic.SERVER_EVENTS);
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic topic : List.of(Topic.ROLE_ASSIGNMENTS, Topic.ROLE_EVENTS, Topic.SERVER_EVENTS)) {
                String name = kafka.topic(topic);
                consumer.partitionsFor(name, Duration.ofSeconds(30))
                        .forEach(info -> partitions.add(new TopicPartition(name, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            thread = new Thread(this::run, "bench-follower");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (running) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    long receivedAt = System.currentTimeMillis();
                    for (ConsumerRecord<String, byte[]> record : records) {
                        if (record.value() == null) {
                            continue;
                        }
                        BatonEvent event = codec.decode(record.value());
                        if (event instanceof RoleAssignment assignment) {
                            assignments.merge(assignment.roleId(), assignment,
                                    (old, neu) -> neu.epoch() >= old.epoch() ? neu : old);
                        } else if (event instanceof RoleMoved moved) {
                            moves.add(new Received(moved, record.timestamp(), receivedAt));
                        } else if (event instanceof ServerDown down && record.topic().equals(serverEvents)) {
                            downs.put(down.serverId(), new DownReceived(down, receivedAt));
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
            }
        }

        /** The roles currently assigned to {@code serverId}. */
        List<RoleAssignment> assignedTo(String serverId) {
            List<RoleAssignment> result = new ArrayList<>();
            for (RoleAssignment assignment : assignments.values()) {
                if (serverId.equals(assignment.serverId())) {
                    result.add(assignment);
                }
            }
            return result;
        }

        /** Roles assigned to {@code serverId} whose assignment carries the endpoint its host reported RUNNING. */
        long runningOn(String serverId) {
            return assignments.values().stream()
                    .filter(a -> serverId.equals(a.serverId()) && a.endpoint() != null).count();
        }

        /** FAILOVER moves away from {@code serverId} received so far. */
        List<Received> failoversFrom(String serverId) {
            List<Received> result = new ArrayList<>();
            for (Received received : moves) {
                if (received.moved().reason() == MoveReason.FAILOVER && serverId.equals(received.moved().from())) {
                    result.add(received);
                }
            }
            return result;
        }

        /** The last ServerDown of {@code serverId}, or null. */
        DownReceived down(String serverId) {
            return downs.get(serverId);
        }

        @Override
        public void close() {
            running = false;
            consumer.wakeup();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
