package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.events.BatonEvent;
import dev.baton.events.DeadLetter;
import dev.baton.events.Endpoint;
import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import dev.baton.events.Heartbeat;
import dev.baton.events.HostedRole;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.ServerKind;
import dev.baton.events.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaEventsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final EventCodec codec = new EventCodec();

    @Test
    void shouldCarryEventsThroughTheBrokerWithTheCodecKeyedByEntityId(TestKafka kafka) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        RoleMoved moved = new RoleMoved(UUID.randomUUID(), now, "role-1", 7, "server-a", "server-b",
                MoveReason.FAILOVER, "server-a DOWN: no heartbeat for 812 ms", now.minusMillis(30), now);
        Heartbeat heartbeat = new Heartbeat(UUID.randomUUID(), now, "server-b", "inc-1", 42, "10.0.0.2",
                ServerKind.EXPANSION,
                List.of(new HostedRole("role-1", 7, RoleState.RUNNING, new Endpoint("10.0.0.2", 7001))), List.of());

        kafka.send(moved);
        kafka.send(heartbeat);

        RoleMoved received = kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                e -> e.eventId().equals(moved.eventId()), TIMEOUT);
        assertThat(received).isEqualTo(moved);
        Heartbeat receivedHeartbeat = kafka.awaitEvent(Topic.HEARTBEATS, Heartbeat.class,
                e -> e.sequence() == 42, TIMEOUT);
        assertThat(receivedHeartbeat).isEqualTo(heartbeat);

        List<ConsumerRecord<String, byte[]>> records = kafka.readAll(Topic.ROLE_EVENTS, TIMEOUT);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("role-1");
        assertThat(records.get(0).topic()).isEqualTo(kafka.namespace() + ".role-events");
    }

    @Test
    void shouldKeepAMalformedRecordReadableAsRawBytesAndRejectItWithAReason(TestKafka kafka) {
        String topic = kafka.topic(Topic.HEARTBEATS);
        RecordMetadata sent = kafka.sendRaw(topic, "server-x", "{\"type\":\"Heartbeat\",".getBytes(StandardCharsets.UTF_8));

        ConsumerRecord<String, byte[]> raw = kafka.readAll(Topic.HEARTBEATS, TIMEOUT).stream()
                .filter(r -> r.partition() == sent.partition() && r.offset() == sent.offset())
                .findFirst().orElseThrow();
        assertThatThrownBy(() -> kafka.decode(raw))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageStartingWith("malformed JSON");

        DeadLetter letter = new DeadLetter(UUID.randomUUID(), Instant.now(), raw.topic(), raw.partition(), raw.offset(),
                raw.key(), "malformed JSON", new String(raw.value(), StandardCharsets.UTF_8), null, "testkit");
        kafka.send(letter);
        DeadLetter stored = kafka.awaitEvent(Topic.DEAD_LETTERS, DeadLetter.class,
                d -> d.sourceOffset() == raw.offset(), TIMEOUT);
        assertThat(stored.payload()).isEqualTo("{\"type\":\"Heartbeat\",");
        assertThat(codec.decode(codec.encode(stored))).isEqualTo(stored);
    }

    @Test
    void shouldFailWithWhatWasSeenWhenTheExpectedEventNeverArrives(TestKafka kafka) {
        assertThatThrownBy(() -> kafka.awaitEvent(Topic.PROXY_EVENTS, BatonEvent.class, e -> true, Duration.ofMillis(300)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("found 0");
    }
}
