package dev.baton.placement.api;

import dev.baton.events.EventCodec;
import dev.baton.events.RoleConfigured;
import dev.baton.events.Topic;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@link ConfigPublisher} on a Kafka producer (idempotent, {@code acks=all}, from {@link KafkaSettings#producer}):
 * {@link RoleConfigured} as {@link EventCodec} JSON on {@code <namespace>.config-events}, keyed by role id.
 * Thread-safe. {@link #publish} may block the calling thread for up to {@value #MAX_BLOCK_MS} ms while the
 * producer fetches metadata of an unreachable cluster: call it on a worker thread, never on an event loop.
 */
public final class KafkaConfigPublisher implements ConfigPublisher, AutoCloseable {
    static final int MAX_BLOCK_MS = 5_000;
    /** An admin request waits for the acknowledgement: give up after this rather than the producer's 2 minutes. */
    static final int DELIVERY_TIMEOUT_MS = 15_000;

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final boolean ownsProducer;
    private final EventCodec codec = new EventCodec();

    private KafkaConfigPublisher(Producer<String, byte[]> producer, String topic, boolean ownsProducer) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.ownsProducer = ownsProducer;
    }

    /** A publisher with a producer of its own, closed by {@link #close()}. */
    public KafkaConfigPublisher(KafkaSettings settings) {
        this(new KafkaProducer<>(producerProperties(settings)), settings.topic(Topic.CONFIG_EVENTS), true);
    }

    /** A publisher on a producer the caller owns and closes (string keys, byte[] values). */
    public KafkaConfigPublisher(Producer<String, byte[]> producer, KafkaSettings settings) {
        this(producer, settings.topic(Topic.CONFIG_EVENTS), false);
    }

    /** {@link KafkaSettings#producer} with timeouts an HTTP client can wait for. */
    static Properties producerProperties(KafkaSettings settings) {
        Properties props = settings.producer("config-publisher");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(MAX_BLOCK_MS));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(DELIVERY_TIMEOUT_MS / 2));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(DELIVERY_TIMEOUT_MS));
        return props;
    }

    @Override
    public CompletableFuture<Void> publish(RoleConfigured event) {
        return send(new ProducerRecord<>(topic, event.key(), codec.encode(event)));
    }

    @Override
    public CompletableFuture<Void> publishDeletion(String roleId) {
        return send(new ProducerRecord<>(topic, Objects.requireNonNull(roleId, "roleId"), null));
    }

    private CompletableFuture<Void> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, failure) -> {
                if (failure != null) {
                    acknowledged.completeExceptionally(failure);
                } else {
                    acknowledged.complete(null);
                }
            });
        } catch (RuntimeException e) {
            // send() throws (instead of calling back) when metadata does not arrive within max.block.ms.
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    @Override
    public void close() {
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
