package dev.baton.bench;

import dev.baton.events.EventCodec;
import dev.baton.events.Heartbeat;
import dev.baton.events.ServerKind;
import dev.baton.events.Topic;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Simulated servers heartbeating at a fixed interval each: real {@link Heartbeat} events encoded by
 * {@link EventCodec}, keyed by server id, on the namespace's heartbeat topic. The servers are spread over a few
 * sender threads; each thread paces its servers against a schedule (server {@code j} of {@code n} is due at
 * {@code start + round * interval + j * interval / n}), so the load is even over the interval. Every sender
 * thread has its own producer. A thread that falls behind its schedule sends late rather than skipping: the
 * produced rate then shows the shortfall.
 */
final class HeartbeatBenchLoad implements AutoCloseable {
    /** One simulated server: its identity survives from one load to the next, so its sequence keeps increasing. */
    static final class Server {
        final String serverId;
        final String incarnation = UUID.randomUUID().toString();
        final String host;
        long sequence;

        Server(int index) {
            this.serverId = String.format(Locale.ROOT, "sim-%06d", index);
            this.host = "10." + (index >> 16 & 0xff) + "." + (index >> 8 & 0xff) + "." + (index & 0xff);
        }
    }

    private final List<Thread> threads = new ArrayList<>();
    private final List<KafkaProducer<String, byte[]>> producers = new ArrayList<>();
    private final AtomicLong acked;
    private final AtomicLong failed;
    private final AtomicReference<Exception> firstError = new AtomicReference<>();
    private volatile boolean running = true;

    /**
     * Starts sending for {@code servers} every {@code interval} on {@code threads} threads; counts acknowledged and
     * failed sends in {@code acked} and {@code failed} (shared across loads).
     */
    HeartbeatBenchLoad(KafkaSettings kafka, List<Server> servers, Duration interval, int threadCount,
            Properties producerOverrides, AtomicLong acked, AtomicLong failed) {
        this.acked = acked;
        this.failed = failed;
        String topic = kafka.topic(Topic.HEARTBEATS);
        for (int t = 0; t < threadCount; t++) {
            List<Server> mine = new ArrayList<>();
            for (int i = t; i < servers.size(); i += threadCount) {
                mine.add(servers.get(i));
            }
            Properties props = kafka.producer("bench-load-" + t);
            props.putAll(producerOverrides);
            KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props);
            producers.add(producer);
            Thread thread = new Thread(() -> send(producer, topic, mine, interval), "heartbeat-load-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /** The producer settings of the load: batching on, as many agents' single records would reach the broker. */
    static Properties producerSettings() {
        Properties props = new Properties();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        return props;
    }

    private void send(KafkaProducer<String, byte[]> producer, String topic, List<Server> servers, Duration interval) {
        EventCodec codec = new EventCodec();
        int n = servers.size();
        if (n == 0) {
            return;
        }
        long intervalNanos = interval.toNanos();
        long start = System.nanoTime();
        long round = 0;
        while (running) {
            for (int j = 0; j < n && running; j++) {
                long due = start + round * intervalNanos + j * intervalNanos / n;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                Server server = servers.get(j);
                Heartbeat heartbeat = new Heartbeat(UUID.randomUUID(), Instant.now(), server.serverId,
                        server.incarnation, server.sequence++, server.host, ServerKind.EXPANSION, List.of(), List.of());
                try {
                    producer.send(new ProducerRecord<>(topic, server.serverId, codec.encode(heartbeat)),
                            (metadata, error) -> {
                                if (error == null) {
                                    acked.incrementAndGet();
                                } else {
                                    failed.incrementAndGet();
                                    firstError.compareAndSet(null, error);
                                }
                            });
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e);
                }
            }
            round++;
        }
    }

    /** The first failed send, if any. */
    Exception firstError() {
        return firstError.get();
    }

    /** Stops the senders and flushes what they sent. */
    @Override
    public void close() {
        running = false;
        for (Thread thread : threads) {
            LockSupport.unpark(thread);
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (KafkaProducer<String, byte[]> producer : producers) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
