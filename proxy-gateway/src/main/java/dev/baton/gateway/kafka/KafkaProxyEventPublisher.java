package dev.baton.gateway.kafka;

import dev.baton.events.EventCodec;
import dev.baton.events.GatewayHeartbeat;
import dev.baton.events.ProxyEvent;
import dev.baton.events.Topic;
import dev.baton.gateway.net.ProxyEventSink;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes ProxyReconnected and ProxyReconnectFailed to {@code proxy-events} with the shared idempotent,
 * {@code acks=all} producer settings. {@link #publish} only enqueues: {@code KafkaProducer.send} can block (metadata,
 * a full buffer) and the caller is an event loop, so sends run on one thread of their own, in order.
 */
public final class KafkaProxyEventPublisher implements ProxyEventSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaProxyEventPublisher.class);
    private static final int QUEUE = 10_000;

    private final Producer<String, byte[]> producer;
    private final EventCodec codec;
    private final String topic;
    private final String heartbeatTopic;
    private final ThreadPoolExecutor sender;

    public KafkaProxyEventPublisher(KafkaSettings settings, EventCodec codec) {
        this(new KafkaProducer<>(settings.producer("proxy-events")), codec,
                settings.topic(Topic.PROXY_EVENTS), settings.topic(Topic.HEARTBEATS));
    }

    KafkaProxyEventPublisher(Producer<String, byte[]> producer, EventCodec codec, String topic) {
        this(producer, codec, topic, null);
    }

    /** @param heartbeatTopic where gateway heartbeats go; null to send none */
    KafkaProxyEventPublisher(Producer<String, byte[]> producer, EventCodec codec, String topic, String heartbeatTopic) {
        this.producer = producer;
        this.codec = codec;
        this.topic = topic;
        this.heartbeatTopic = heartbeatTopic;
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                runnable -> {
                    Thread thread = new Thread(runnable, "gateway-proxy-events");
                    thread.setDaemon(true);
                    return thread;
                }, (runnable, executor) -> LOG.warn("Proxy event dropped: {} events already wait to be sent", QUEUE));
    }

    @Override
    public void publish(ProxyEvent event) {
        sender.execute(() -> send(event));
    }

    @Override
    public void heartbeat(GatewayHeartbeat heartbeat) {
        if (heartbeatTopic == null || sender.getQueue().size() > QUEUE / 2) {
            // A heartbeat is worth nothing late: never let them crowd out proxy events.
            return;
        }
        sender.execute(() -> {
            try {
                producer.send(new ProducerRecord<>(heartbeatTopic, heartbeat.key(), codec.encode(heartbeat)),
                        (metadata, error) -> {
                            if (error != null) {
                                LOG.debug("Could not publish a gateway heartbeat: {}", error.toString());
                            }
                        });
            } catch (RuntimeException e) {
                LOG.debug("Could not publish a gateway heartbeat: {}", e.toString());
            }
        });
    }

    private void send(ProxyEvent event) {
        try {
            producer.send(new ProducerRecord<>(topic, event.key(), codec.encode(event)), (metadata, error) -> {
                if (error != null) {
                    LOG.warn("Could not publish {} for {} epoch {}: {}", event.type().wireName(), event.roleId(),
                            event.epoch(), error.toString());
                } else {
                    LOG.debug("Published {} for {} epoch {} at {}-{}@{}", event.type().wireName(), event.roleId(),
                            event.epoch(), metadata.topic(), metadata.partition(), metadata.offset());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not publish {} for {} epoch {}: {}", event.type().wireName(), event.roleId(),
                    event.epoch(), e.toString());
        }
    }

    /** Sends what is queued (waiting up to 5 s for it) and closes the producer. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Proxy events still queued at shutdown were not sent");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
