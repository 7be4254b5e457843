package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.events.PlacementHeartbeat;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces what is not a placement decision (instance heartbeats, maintenance announcements): each event to its
 * topic under its key, with an idempotent {@code acks=all} producer outside any transaction, without waiting for
 * the acknowledgement. An announcement that fails is logged and counted. Decisions go through
 * {@link KafkaLeaderPublisher}.
 */
final class KafkaEventPublisher implements Announcer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaSettings settings;
    private final EventCodec codec;
    private final Runnable onFailure;

    /** @param onFailure called (on the producer's thread) for every send that failed */
    KafkaEventPublisher(KafkaSettings settings, EventCodec codec, Runnable onFailure) {
        this.producer = new KafkaProducer<>(settings.producer("events"));
        this.settings = settings;
        this.codec = codec;
        this.onFailure = onFailure;
    }

    @Override
    public void announce(BatonEvent event) {
        try {
            producer.send(new ProducerRecord<>(settings.topic(event.topic()), event.key(), codec.encode(event)),
                    (metadata, error) -> {
                        if (error != null) {
                            failed(event, error);
                        }
                    });
        } catch (RuntimeException e) {
            failed(event, e);
        }
    }

    @Override
    public void heartbeat(PlacementHeartbeat heartbeat) {
        try {
            producer.send(new ProducerRecord<>(settings.topic(heartbeat.topic()), heartbeat.key(), codec.encode(heartbeat)));
        } catch (RuntimeException e) {
            LOG.debug("Could not send the instance heartbeat: {}", e.toString());
        }
    }

    private void failed(BatonEvent event, Throwable error) {
        onFailure.run();
        LOG.error("Could not publish {} {}: {}", event.type().wireName(), event.key(), error.toString());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
