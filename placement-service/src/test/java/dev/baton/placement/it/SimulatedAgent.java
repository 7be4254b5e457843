package dev.baton.placement.it;

import dev.baton.events.DatabaseReach;
import dev.baton.events.Endpoint;
import dev.baton.events.EventCodec;
import dev.baton.events.Heartbeat;
import dev.baton.events.HostedRole;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleState;
import dev.baton.events.ServerKind;
import dev.baton.events.Topic;
import dev.baton.testkit.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A stand-in for a heartbeat agent in the placement-service's own tests: real heartbeat records on the real
 * broker every 100 ms, following role assignments like an agent (a role assigned here at a higher epoch is
 * reported RUNNING at once; one assigned elsewhere is dropped). A test silences it, restarts it, fails a role or
 * cuts it from a role's database.
 */
final class SimulatedAgent implements AutoCloseable {
    private static final Duration INTERVAL = Duration.ofMillis(100);

    private final String serverId;
    private final ServerKind kind;
    private final TestKafka kafka;
    private final EventCodec codec = new EventCodec();
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> assignments;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, HostedRole> hosted = new ConcurrentHashMap<>();
    private final Map<String, Long> seenEpochs = new ConcurrentHashMap<>();
    private final Map<String, Boolean> databases = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile String incarnation = UUID.randomUUID().toString();
    private volatile boolean leaving;
    private ScheduledFuture<?> beating;

    SimulatedAgent(TestKafka kafka, String serverId, ServerKind kind) {
        this.kafka = kafka;
        this.serverId = serverId;
        this.kind = kind;
        this.producer = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), new ByteArraySerializer());
        this.assignments = new KafkaConsumer<>(kafka.consumerProperties("agent-" + serverId + "-" + UUID.randomUUID()),
                new StringDeserializer(), new ByteArrayDeserializer());
        String topic = kafka.topic(Topic.ROLE_ASSIGNMENTS);
        List<TopicPartition> partitions = assignments.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        assignments.assign(partitions);
        assignments.seekToBeginning(partitions);
        start();
    }

    String serverId() {
        return serverId;
    }

    /** Heartbeats (again), with the current incarnation. */
    synchronized void start() {
        if (beating == null) {
            beating = scheduler.scheduleAtFixedRate(this::beat, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Stops heartbeating, as a crashed server would. */
    synchronized void silence() {
        if (beating != null) {
            beating.cancel(false);
            beating = null;
        }
    }

    /** A new agent process: new incarnation, nothing hosted. */
    synchronized void restart() {
        silence();
        scheduler.submit(() -> {
            hosted.clear();
            seenEpochs.clear();
            assignments.seekToBeginning(assignments.assignment());
            incarnation = UUID.randomUUID().toString();
            sequence.set(0);
        });
        start();
    }

    void failRole(String roleId) {
        scheduler.submit(() -> hosted.computeIfPresent(roleId,
                (id, role) -> new HostedRole(id, role.epoch(), RoleState.FAILED, null)));
    }

    void reachDatabase(String roleId, boolean reachable) {
        databases.put(roleId, reachable);
    }

    void leaving(boolean leaving) {
        this.leaving = leaving;
    }

    boolean hosts(String roleId) {
        HostedRole role = hosted.get(roleId);
        return role != null && role.state() == RoleState.RUNNING;
    }

    private void beat() {
        followAssignments();
        List<DatabaseReach> reach = new ArrayList<>();
        databases.forEach((roleId, reachable) -> reach.add(new DatabaseReach(roleId, reachable)));
        Heartbeat heartbeat = new Heartbeat(UUID.randomUUID(), Instant.now(), serverId, incarnation,
                sequence.incrementAndGet(), serverId + ".test", kind, List.copyOf(hosted.values()), reach, leaving);
        producer.send(new ProducerRecord<>(kafka.topic(Topic.HEARTBEATS), serverId, codec.encode(heartbeat)));
    }

    private void followAssignments() {
        for (ConsumerRecord<String, byte[]> record : assignments.poll(Duration.ZERO)) {
            RoleAssignment assignment = codec.decode(record.value(), RoleAssignment.class);
            long seen = seenEpochs.getOrDefault(assignment.roleId(), -1L);
            if (assignment.epoch() <= seen) {
                continue;
            }
            seenEpochs.put(assignment.roleId(), assignment.epoch());
            if (serverId.equals(assignment.serverId())) {
                hosted.put(assignment.roleId(), new HostedRole(assignment.roleId(), assignment.epoch(), RoleState.RUNNING,
                        new Endpoint(serverId + ".test", 7000)));
            } else {
                hosted.remove(assignment.roleId());
            }
        }
    }

    @Override
    public void close() {
        silence();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
        assignments.close();
    }
}
