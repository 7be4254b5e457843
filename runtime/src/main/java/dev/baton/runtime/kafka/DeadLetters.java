package dev.baton.runtime.kafka;

import dev.baton.events.DeadLetter;
import dev.baton.events.EventCodec;
import dev.baton.events.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that could not be decoded or validated to the dead-letter topic under their original key, with
 * the reason, so nothing is dropped silently. The original value is kept as text when it is UTF-8 and in
 * Base64 otherwise. The dead letter's id is derived from the record's coordinates ({@link DeadLetter#idFor}), so
 * every instance that rejects the same record publishes the same dead letter, stored once by the audit.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String rejectedBy;
    private final EventCodec codec;
    private final Clock clock;

    public DeadLetters(Producer<String, byte[]> producer, KafkaSettings settings, String rejectedBy, EventCodec codec, Clock clock) {
        this.producer = producer;
        this.topic = settings.topic(Topic.DEAD_LETTERS);
        this.rejectedBy = rejectedBy;
        this.codec = codec;
        this.clock = clock;
    }

    /** The dead letter for {@code record}, rejected for {@code reason}. */
    public DeadLetter letterFor(ConsumerRecord<String, byte[]> record, String reason) {
        String text = null;
        String base64 = null;
        if (record.value() != null) {
            text = utf8OrNull(record.value());
            if (text == null) {
                base64 = Base64.getEncoder().encodeToString(record.value());
            }
        }
        // The same id whoever rejects the record: the audit stores one dead letter per bad record.
        return new DeadLetter(DeadLetter.idFor(record.topic(), record.partition(), record.offset(), record.timestamp()),
                clock.instant(), record.topic(), record.partition(), record.offset(), record.key(), reason, text, base64,
                rejectedBy);
    }

    /**
     * Publishes the dead letter of {@code record}; the future completes once Kafka acknowledged it, so a caller
     * commits the record's offset only after that.
     */
    public CompletableFuture<RecordMetadata> publish(ConsumerRecord<String, byte[]> record, String reason) {
        DeadLetter letter = letterFor(record, reason);
        LOG.warn("Dead letter: {}-{}@{} key={} rejected: {}", record.topic(), record.partition(), record.offset(),
                record.key(), reason);
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, record.key(), codec.encode(letter)), (metadata, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            // send throws instead of calling back for some failures (closed or fenced producer, serialization):
            // report them through the future too, so a caller has one place to handle a failed publish.
            done.completeExceptionally(e);
        }
        return done;
    }

    private static String utf8OrNull(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
