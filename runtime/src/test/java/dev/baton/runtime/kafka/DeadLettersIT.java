package dev.baton.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.DeadLetter;
import dev.baton.events.EventCodec;
import dev.baton.events.Topic;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class DeadLettersIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldPublishAnUndecodableRecordToTheDeadLetterTopicUnderItsKey(TestKafka kafka) throws Exception {
        String heartbeats = kafka.topic(Topic.HEARTBEATS);
        byte[] malformed = "{\"type\":\"Heartbeat\",".getBytes(StandardCharsets.UTF_8);
        RecordMetadata original = kafka.sendRaw(heartbeats, "server-x", malformed);
        ConsumerRecord<String, byte[]> record = kafka.readAll(Topic.HEARTBEATS, TIMEOUT).stream()
                .filter(r -> r.partition() == original.partition() && r.offset() == original.offset())
                .findFirst().orElseThrow();
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), kafka.namespace(), "dead-letters-it");

        RecordMetadata published;
        try (Producer<String, byte[]> producer = new KafkaProducer<>(settings.producer("dead-letters"))) {
            DeadLetters deadLetters =
                    new DeadLetters(producer, settings, "dead-letters-it", new EventCodec(), Clock.systemUTC());
            published = deadLetters.publish(record, "malformed JSON: unexpected end of input")
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        assertThat(published.topic()).isEqualTo(kafka.topic(Topic.DEAD_LETTERS));
        DeadLetter letter = kafka.awaitEvent(Topic.DEAD_LETTERS, DeadLetter.class,
                d -> d.sourceTopic().equals(heartbeats) && d.sourceOffset() == original.offset(), TIMEOUT);
        assertThat(letter.sourcePartition()).isEqualTo(original.partition());
        assertThat(letter.key()).isEqualTo("server-x");
        assertThat(letter.payload()).isEqualTo("{\"type\":\"Heartbeat\",");
        assertThat(letter.payloadBase64()).isNull();
        assertThat(letter.reason()).isEqualTo("malformed JSON: unexpected end of input");
        assertThat(letter.rejectedBy()).isEqualTo("dead-letters-it");

        List<ConsumerRecord<String, byte[]>> stored = kafka.readAll(Topic.DEAD_LETTERS, TIMEOUT);
        assertThat(stored).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("server-x");
            assertThat(r.offset()).isEqualTo(published.offset());
        });
    }
}
