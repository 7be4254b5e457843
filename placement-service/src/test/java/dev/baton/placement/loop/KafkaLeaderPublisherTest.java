package dev.baton.placement.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.events.EventCodec;
import dev.baton.events.PlacementHeartbeat;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** How a leader's round ends for each way a transaction can fail: retry the round, or step down. */
class KafkaLeaderPublisherTest {
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final KafkaLeaderPublisher publisher =
            new KafkaLeaderPublisher(producer, new KafkaSettings("mock:9092", "ns", "placement-1"), new EventCodec());

    private static List<PlacementHeartbeat> round() {
        return List.of(new PlacementHeartbeat(UUID.randomUUID(), Instant.parse("2026-11-25T12:00:00Z"), "placement-1",
                "inc-1", 0, 3, true, null));
    }

    @Test
    void shouldCommitARoundInOneTransaction() {
        publisher.publish(round());

        assertThat(producer.transactionCommitted()).isTrue();
        assertThat(producer.history()).singleElement().satisfies(r -> assertThat(r.topic()).isEqualTo("ns.placement-control"));
    }

    @Test
    void shouldAbortAndRetryTheRoundAfterAnAbortableError() {
        producer.commitTransactionException = new TimeoutException("coordinator slow");

        assertThatThrownBy(() -> publisher.publish(round()))
                .isInstanceOf(EventPublisher.PublishException.class)
                .isNotInstanceOf(KafkaLeaderPublisher.Fenced.class)
                .hasMessageContaining("coordinator slow");
        assertThat(producer.transactionAborted()).isTrue();
    }

    @Test
    void shouldStepDownWhenFenced() {
        producer.commitTransactionException = new ProducerFencedException("newer epoch");

        assertThatThrownBy(() -> publisher.publish(round())).isInstanceOf(KafkaLeaderPublisher.Fenced.class)
                .hasMessageContaining("newer epoch");
    }

    @Test
    void shouldStepDownOnAnInvalidTransactionState() {
        producer.commitTransactionException = new InvalidTxnStateException("invalid state");

        assertThatThrownBy(() -> publisher.publish(round())).isInstanceOf(KafkaLeaderPublisher.Fenced.class);
    }

    @Test
    void shouldStepDownWhenTheProducerCannotEvenAbort() {
        // A producer in a fatal error state refuses every transactional call, abort included: retrying the round
        // with it would fail forever.
        producer.commitTransactionException = new KafkaException("Cannot execute transactional method because we are in an error state");
        producer.abortTransactionException = new KafkaException("Cannot execute transactional method because we are in an error state");

        assertThatThrownBy(() -> publisher.publish(round())).isInstanceOf(KafkaLeaderPublisher.Fenced.class)
                .hasMessageContaining("cannot go on").hasMessageContaining("abort failed");
    }

    @Test
    void shouldStepDownWhenACommitTimedOutAndTheProducerRefusesAnythingButRetryingIt() {
        // What the real producer does after the broker paused during a commit: the abort (and any new transaction)
        // is refused until that commit is retried; a stuck leader would fail every round until deposed.
        producer.commitTransactionException = new TimeoutException("Timeout expired after 1000ms while awaiting EndTxn");
        producer.abortTransactionException = new IllegalStateException("Cannot attempt operation `abortTransaction`"
                + " because the previous call to `commitTransaction` timed out and must be retried");

        assertThatThrownBy(() -> publisher.publish(round())).isInstanceOf(KafkaLeaderPublisher.Fenced.class)
                .hasMessageContaining("cannot go on").hasMessageContaining("must be retried");
    }
}
