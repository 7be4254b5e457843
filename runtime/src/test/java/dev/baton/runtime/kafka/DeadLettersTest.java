package dev.baton.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.events.DeadLetter;
import dev.baton.events.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final Instant NOW = Instant.parse("2025-03-01T10:15:30.123Z");
    private static final String SOURCE_TOPIC = "ns.heartbeats";

    private final EventCodec codec = new EventCodec();
    private final KafkaSettings settings = new KafkaSettings("mock:9092", "ns", "placement-1");
    // autoComplete=false: a send is acknowledged (or failed) only when the test says so.
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final DeadLetters deadLetters =
            new DeadLetters(producer, settings, "placement-1", codec, Clock.fixed(NOW, ZoneOffset.UTC));

    private static ConsumerRecord<String, byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>(SOURCE_TOPIC, 4, 1234L, key, value);
    }

    private DeadLetter published(int index) {
        return codec.decode(producer.history().get(index).value(), DeadLetter.class);
    }

    @Test
    void shouldPublishAUtf8PayloadAsTextUnderTheOriginalKeyToTheDeadLetterTopic() {
        String payload = "{\"type\":\"Heartbeat\", \"note\":\"grüße\"";
        deadLetters.publish(record("server-a", payload.getBytes(StandardCharsets.UTF_8)), "malformed JSON: eof");

        assertThat(producer.history()).hasSize(1);
        ProducerRecord<String, byte[]> sent = producer.history().get(0);
        assertThat(sent.topic()).isEqualTo("ns.dead-letters");
        assertThat(sent.key()).isEqualTo("server-a");

        DeadLetter letter = published(0);
        assertThat(letter.payload()).isEqualTo(payload);
        assertThat(letter.payloadBase64()).isNull();
        assertThat(letter.key()).isEqualTo("server-a");
        assertThat(letter.sourceTopic()).isEqualTo(SOURCE_TOPIC);
        assertThat(letter.sourcePartition()).isEqualTo(4);
        assertThat(letter.sourceOffset()).isEqualTo(1234L);
        assertThat(letter.reason()).isEqualTo("malformed JSON: eof");
        assertThat(letter.rejectedBy()).isEqualTo("placement-1");
        assertThat(letter.occurredAt()).isEqualTo(NOW);
        assertThat(letter.eventId()).isNotNull();
    }

    @Test
    void shouldPublishANonUtf8PayloadAsBase64() {
        byte[] binary = {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF, (byte) 0xFE};
        deadLetters.publish(record("server-b", binary), "malformed JSON");

        DeadLetter letter = published(0);
        assertThat(letter.payload()).isNull();
        assertThat(letter.payloadBase64()).isEqualTo(Base64.getEncoder().encodeToString(binary));
        assertThat(Base64.getDecoder().decode(letter.payloadBase64())).isEqualTo(binary);
        assertThat(producer.history().get(0).key()).isEqualTo("server-b");
    }

    @Test
    void shouldKeepARecordWithoutKeyOrValue() {
        deadLetters.publish(record(null, null), "empty record value");

        assertThat(producer.history().get(0).key()).isNull();
        DeadLetter letter = published(0);
        assertThat(letter.key()).isNull();
        assertThat(letter.payload()).isNull();
        assertThat(letter.payloadBase64()).isNull();
        assertThat(letter.reason()).isEqualTo("empty record value");
    }

    @Test
    void shouldBuildTheSameLetterItPublishes() {
        ConsumerRecord<String, byte[]> record = record("server-c", "x".getBytes(StandardCharsets.UTF_8));

        DeadLetter built = deadLetters.letterFor(record, "unknown event type 'x'");
        deadLetters.publish(record, "unknown event type 'x'");
        DeadLetter sent = published(0);

        assertThat(sent).isEqualTo(built);
        assertThat(codec.decode(codec.encode(built))).isEqualTo(built);
    }

    @Test
    void shouldGiveTheSameIdToTheDeadLetterOfARecordWhoeverRejectsIt() {
        ConsumerRecord<String, byte[]> record = record("server-c", "x".getBytes(StandardCharsets.UTF_8));
        DeadLetters elsewhere = new DeadLetters(new MockProducer<>(), settings, "placement-2", codec,
                Clock.fixed(NOW.plusSeconds(5), ZoneOffset.UTC));

        UUID here = deadLetters.letterFor(record, "unknown event type 'x'").eventId();

        assertThat(elsewhere.letterFor(record, "another reason").eventId()).isEqualTo(here)
                .isEqualTo(DeadLetter.idFor(SOURCE_TOPIC, 4, 1234L, record.timestamp()));
        assertThat(deadLetters.letterFor(new ConsumerRecord<>(SOURCE_TOPIC, 4, 1235L, "server-c", new byte[] {1}),
                "r").eventId()).as("another offset").isNotEqualTo(here);
        assertThat(deadLetters.letterFor(new ConsumerRecord<>(SOURCE_TOPIC, 5, 1234L, "server-c", new byte[] {1}),
                "r").eventId()).as("another partition").isNotEqualTo(here);
    }

    @Test
    void shouldCompleteOnlyOnceTheProducerAcknowledges() throws Exception {
        CompletableFuture<RecordMetadata> done =
                deadLetters.publish(record("server-a", "bad".getBytes(StandardCharsets.UTF_8)), "malformed JSON");

        assertThat(done).isNotDone();

        assertThat(producer.completeNext()).isTrue();

        RecordMetadata metadata = done.get(10, TimeUnit.SECONDS);
        assertThat(metadata.topic()).isEqualTo("ns.dead-letters");
        assertThat(metadata.offset()).isZero();
    }

    @Test
    void shouldFailWhenTheSendFails() {
        CompletableFuture<RecordMetadata> done =
                deadLetters.publish(record("server-a", "bad".getBytes(StandardCharsets.UTF_8)), "malformed JSON");
        TimeoutException cause = new TimeoutException("no ack from the broker");

        assertThat(producer.errorNext(cause)).isTrue();

        assertThat(done).isCompletedExceptionally();
        assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCause(cause);
    }

    @Test
    void shouldFailTheFutureInsteadOfThrowingWhenTheProducerRefusesTheSend() {
        KafkaException refused = new KafkaException("producer fenced");
        producer.sendException = refused;

        CompletableFuture<RecordMetadata> done =
                deadLetters.publish(record("server-a", "bad".getBytes(StandardCharsets.UTF_8)), "malformed JSON");

        assertThat(done).isCompletedExceptionally();
        assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCause(refused);
    }
}
