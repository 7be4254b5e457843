package dev.baton.agent.kafka;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.runtime.kafka.DeadLetters;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the agent's events (RoleStateChanged) and dead letters, in the order given, from a thread of its own
 * ({@code event-publisher}) so that a broker that cannot be reached never blocks the agent's decisions. Best effort
 * with Kafka's normal retries: a state change published while Kafka is unreachable (a fenced agent's STOPPED or
 * FAILED) is delivered when it is back, within the default delivery timeout.
 */
public final class KafkaEventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);

    private final KafkaSettings kafka;
    private final EventCodec codec;
    private final Producer<String, byte[]> producer;
    private final DeadLetters deadLetters;
    private final ExecutorService thread;

    public KafkaEventPublisher(KafkaSettings kafka, EventCodec codec, Clock clock, String rejectedBy) {
        this.kafka = kafka;
        this.codec = codec;
        this.producer = new KafkaProducer<>(producerProperties(kafka));
        this.deadLetters = new DeadLetters(producer, kafka, rejectedBy, codec, clock);
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "event-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    static Properties producerProperties(KafkaSettings kafka) {
        Properties props = kafka.producer("events");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        props.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, "1000");
        props.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, "2000");
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(4 * 1024 * 1024));
        return props;
    }

    /** Publishes {@code event} to its topic, keyed as the contract says; returns at once. */
    public void publish(BatonEvent event) {
        submit(() -> {
            String topic = kafka.topic(event.topic());
            producer.send(new ProducerRecord<>(topic, event.key(), codec.encode(event)), (metadata, error) -> {
                if (error != null) {
                    LOG.warn("Could not publish {} {} to {}: {}", event.type().wireName(), event.eventId(), topic,
                            error.toString());
                }
            });
        });
    }

    /** Publishes the dead letter of {@code record}, rejected for {@code reason}; returns at once. */
    public void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        submit(() -> deadLetters.publish(record, reason).whenComplete((metadata, error) -> {
            if (error != null) {
                LOG.warn("Could not publish the dead letter of {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), error.toString());
            }
        }));
    }

    private void submit(Runnable send) {
        try {
            thread.execute(() -> {
                try {
                    send.run();
                } catch (RuntimeException e) {
                    LOG.warn("Could not publish: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("Event not published: the publisher is closed");
        }
    }

    /** Publishes what was handed over so far and waits for Kafka to take it, at most {@code timeout}. */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        thread.shutdown();
        try {
            thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
