package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes what is not a placement decision (instance heartbeats, maintenance announcements): each event to its
 * topic under its key, with an idempotent {@code acks=all} producer outside any transaction. Decisions go through
 * {@link KafkaLeaderPublisher}.
 */
final class KafkaEventPublisher implements EventPublisher, AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaSettings settings;
    private final EventCodec codec;
    private final Duration timeout;

    KafkaEventPublisher(KafkaSettings settings, EventCodec codec, Duration timeout) {
        this.producer = new KafkaProducer<>(settings.producer("events"));
        this.settings = settings;
        this.codec = codec;
        this.timeout = timeout;
    }

    /**
     * Sends every event and waits for all acknowledgements.
     *
     * @throws PublishException when any send fails or times out; some events may have been written
     */
    @Override
    public void publish(List<? extends BatonEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
        for (BatonEvent event : events) {
            sent.add(producer.send(new ProducerRecord<>(settings.topic(event.topic()), event.key(), codec.encode(event))));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Future<RecordMetadata> future : sent) {
                future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventPublisher.PublishException("interrupted while publishing", e);
        } catch (ExecutionException e) {
            throw new EventPublisher.PublishException("publishing failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new EventPublisher.PublishException("publishing not acknowledged within " + timeout.toMillis() + " ms", e);
        }
    }

    /** Sends without waiting; a failure is logged by the caller's callback, if any. */
    void sendAsync(BatonEvent event) {
        producer.send(new ProducerRecord<>(settings.topic(event.topic()), event.key(), codec.encode(event)));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

}
