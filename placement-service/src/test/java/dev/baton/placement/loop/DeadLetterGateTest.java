package dev.baton.placement.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.DeadLetter;
import dev.baton.events.EventCodec;
import dev.baton.runtime.kafka.DeadLetters;
import dev.baton.runtime.kafka.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class DeadLetterGateTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final EventCodec codec = new EventCodec();
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final AtomicBoolean leading = new AtomicBoolean();
    private final DeadLetterGate gate = new DeadLetterGate(
            new DeadLetters(producer, new KafkaSettings("mock:9092", "ns", "placement-1"), "placement-1", codec, clock),
            clock, Duration.ofSeconds(7));

    DeadLetterGateTest() {
        gate.publishWhile(leading::get);
    }

    private static ConsumerRecord<String, byte[]> bad(long offset) {
        return new ConsumerRecord<>("ns.heartbeats", 2, offset, "srv-1", "not json".getBytes(StandardCharsets.UTF_8));
    }

    private DeadLetter published(int index) {
        return codec.decode(producer.history().get(index).value(), DeadLetter.class);
    }

    @Test
    void shouldPublishTheDeadLettersOfTheLeaderOnly() {
        leading.set(true);
        gate.reject(bad(10), "malformed JSON");
        leading.set(false);
        gate.reject(bad(11), "malformed JSON");
        gate.afterPoll();

        assertThat(producer.history()).hasSize(1);
        assertThat(published(0).sourceOffset()).isEqualTo(10);
        assertThat(producer.history().get(0).topic()).isEqualTo("ns.dead-letters");
    }

    @Test
    void shouldPublishWhatAStandbyReadWithinTheWindowOnceItLeads() {
        gate.reject(bad(20), "malformed JSON");
        clock.advance(Duration.ofSeconds(8));
        gate.reject(bad(21), "malformed JSON");
        clock.advance(Duration.ofSeconds(1));

        leading.set(true);
        gate.afterPoll();
        gate.afterPoll();

        assertThat(producer.history()).hasSize(1);
        assertThat(published(0).sourceOffset()).as("the record read 8 s before is left to the leader of then")
                .isEqualTo(21);
        assertThat(published(0).eventId()).isEqualTo(DeadLetter.idFor("ns.heartbeats", 2, 21, bad(21).timestamp()));
    }
}
