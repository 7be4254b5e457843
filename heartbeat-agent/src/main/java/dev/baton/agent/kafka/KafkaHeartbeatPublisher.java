package dev.baton.agent.kafka;

import dev.baton.events.DatabaseReach;
import dev.baton.events.EventCodec;
import dev.baton.events.Heartbeat;
import dev.baton.events.HostedRole;
import dev.baton.events.ServerKind;
import dev.baton.events.Topic;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this server's heartbeat to {@code <namespace>.heartbeats} (key: server id) every interval, on a thread of
 * its own ({@code heartbeat}), and tells the {@link Listener} which ones Kafka acknowledged, with their send time:
 * that is what the lease is measured from.
 *
 * <h2>Producer settings, and why</h2>
 * {@code acks=all}, idempotent, {@code linger.ms=0}: a heartbeat is acknowledged only once it is durably in the
 * log. {@code request.timeout.ms} and {@code delivery.timeout.ms} equal the lease: a heartbeat that could not be
 * delivered within the lease is worthless (its ack could no longer renew the lease) and must not arrive late,
 * claiming roles that the agent has stopped in the meantime. For the same reason {@link #abandonPending()} (called
 * when the lease expires) closes the producer at once, discarding every heartbeat not yet delivered, and starts a
 * new one: after a fence no heartbeat sent before it can reach the topic through this agent. {@code max.block.ms}
 * is one interval, so a missing broker never holds up the heartbeat thread for longer than a beat; reconnect and
 * connection set-up back-offs are short so heartbeats resume quickly once Kafka is reachable again.
 */
public final class KafkaHeartbeatPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaHeartbeatPublisher.class);
    private static final Duration WARM_UP = Duration.ofSeconds(5);

    /** What a heartbeat says beyond the agent's identity; read at every beat. */
    public record Content(List<HostedRole> roles, List<DatabaseReach> databases, boolean leaving) {
    }

    /** The agent's identity in every heartbeat. */
    public record Identity(String serverId, String incarnation, String host, ServerKind kind) {
    }

    /** Outcomes of the heartbeats; called on the heartbeat thread and the producer's I/O thread. */
    public interface Listener {
        void sent(long sequence);

        /** Kafka acknowledged the heartbeat sent at {@code sentAtNanos} ({@link System#nanoTime()}). */
        void acknowledged(long sequence, long sentAtNanos);

        void failed(long sequence, Exception error);
    }

    private final KafkaSettings kafka;
    private final Identity identity;
    private final Duration interval;
    private final Duration lease;
    private final Supplier<Content> content;
    private final Listener listener;
    private final Clock clock;
    private final EventCodec codec = new EventCodec();
    private final String topic;
    private final ScheduledExecutorService thread;
    private Producer<String, byte[]> producer;
    private long sequence;
    private volatile boolean failing;

    public KafkaHeartbeatPublisher(KafkaSettings kafka, Identity identity, Duration interval, Duration lease,
            Supplier<Content> content, Listener listener, Clock clock) {
        this.kafka = kafka;
        this.identity = identity;
        this.interval = interval;
        this.lease = lease;
        this.content = content;
        this.listener = listener;
        this.clock = clock;
        this.topic = kafka.topic(Topic.HEARTBEATS);
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** The producer properties described in the class comment. */
    public static Properties producerProperties(KafkaSettings kafka, Duration interval, Duration lease) {
        Properties props = kafka.producer("heartbeats");
        String leaseMs = Long.toString(lease.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, leaseMs);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, leaseMs);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(interval.toMillis()));
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "20");
        props.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "100");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "20");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        props.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, "1000");
        props.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, "2000");
        // Heartbeats are small and few; the default 32 MiB of buffer would only count against the footprint.
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(1024 * 1024));
        return props;
    }

    /**
     * Starts beating: the first heartbeat as soon as the producer knows the topic's partitions, then one every
     * interval. With a fixed delay rather than a fixed rate: after a stall (a GC pause, a starved CPU) a burst of
     * catch-up heartbeats would prove nothing more than the first one.
     */
    public void start() {
        thread.execute(() -> {
            producer = new KafkaProducer<>(producerProperties(kafka, interval, lease));
            warmUp();
        });
        thread.scheduleWithFixedDelay(this::beatQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Fetches the topic's metadata before the first beat: with {@code max.block.ms} at one interval, the first
     * sends would otherwise fail while the producer connects. Bounded: an unreachable Kafka shows as failing beats.
     */
    private void warmUp() {
        long deadline = System.nanoTime() + WARM_UP.toNanos();
        while (System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
            try {
                producer.partitionsFor(topic);
                return;
            } catch (KafkaException e) {
                LOG.debug("Heartbeat topic metadata not there yet: {}", e.toString());
            }
        }
    }

    /** Sends a heartbeat now, in addition to the regular ones (e.g. to announce a planned leave at once). */
    public void sendNow() {
        thread.execute(this::beatQuietly);
    }

    /**
     * Discards every heartbeat not yet acknowledged and continues with a new producer; see the class comment. Runs on
     * the heartbeat thread, after the beat in progress.
     */
    public void abandonPending() {
        thread.execute(() -> {
            Producer<String, byte[]> old = producer;
            producer = new KafkaProducer<>(producerProperties(kafka, interval, lease));
            if (old != null) {
                // Duration.ZERO: abort unsent batches instead of waiting for them.
                old.close(Duration.ZERO);
            }
            LOG.info("Discarded the heartbeats not yet acknowledged; heartbeating with a new producer");
        });
    }

    /**
     * Sends one last heartbeat and waits for its acknowledgement, at most {@code timeout}.
     *
     * @return whether Kafka acknowledged it
     */
    public boolean sendFinal(Duration timeout) {
        CompletableFuture<Boolean> acked = new CompletableFuture<>();
        try {
            thread.execute(() -> beat(acked));
            return acked.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void beatQuietly() {
        try {
            beat(null);
        } catch (RuntimeException e) {
            // A failing beat must not cancel the schedule: the next one may work.
            LOG.warn("Heartbeat {} not sent: {}", sequence, e.toString());
        }
    }

    private void beat(CompletableFuture<Boolean> acked) {
        if (producer == null) {
            // Not connected yet (the topics were never confirmed): nothing to send with.
            if (acked != null) {
                acked.complete(false);
            }
            return;
        }
        Content now = content.get();
        long seq = sequence++;
        Heartbeat heartbeat = new Heartbeat(UUID.randomUUID(), clock.instant(), identity.serverId(),
                identity.incarnation(), seq, identity.host(), identity.kind(), now.roles(), now.databases(),
                now.leaving());
        long sentAt = System.nanoTime();
        listener.sent(seq);
        try {
            producer.send(new ProducerRecord<>(topic, identity.serverId(), codec.encode(heartbeat)), (metadata, error) -> {
                if (error == null) {
                    listener.acknowledged(seq, sentAt);
                    if (failing) {
                        failing = false;
                        LOG.info("Heartbeats acknowledged again (sequence {})", seq);
                    }
                } else {
                    failed(seq, error);
                }
                if (acked != null) {
                    acked.complete(error == null);
                }
            });
        } catch (RuntimeException e) {
            // send throws rather than calling back when metadata is missing past max.block.ms.
            failed(seq, e);
            if (acked != null) {
                acked.complete(false);
            }
        }
    }

    private void failed(long seq, Exception error) {
        listener.failed(seq, error);
        if (!failing) {
            failing = true;
            LOG.warn("Heartbeat {} not acknowledged: {}", seq, error.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (producer != null) {
            producer.close(Duration.ofMillis(500));
        }
    }
}
