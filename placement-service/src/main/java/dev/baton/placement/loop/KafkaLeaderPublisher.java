package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * Publishes a leader's decisions, one transaction per round, with a {@code transactional.id} shared by every
 * placement-service instance of the installation.
 *
 * <p>Creating it initialises the transactional id, which fences every producer that used the id before: a
 * deposed leader (paused, partitioned, slow) can no longer commit anything, and whatever transaction it had open
 * is aborted. Its next commit fails with {@link Fenced}, and it steps down. Readers consume with
 * {@code isolation.level=read_committed}, so aborted decisions are never seen.
 */
final class KafkaLeaderPublisher implements EventPublisher, AutoCloseable {
    private final Producer<String, byte[]> producer;
    private final KafkaSettings settings;
    private final EventCodec codec;

    /** The shared transactional id of a namespace's placement leaders. */
    static String transactionalId(KafkaSettings settings) {
        return settings.namespace() + "-placement-leader";
    }

    /**
     * Initialises the shared transactional id; blocks until earlier leaders are fenced and their open transaction
     * completed.
     */
    KafkaLeaderPublisher(KafkaSettings settings, String instanceId, EventCodec codec, Duration timeout) {
        this(new KafkaProducer<>(properties(settings, instanceId, timeout)), settings, codec);
    }

    /** Takes {@code producer} (configured with the shared transactional id) and initialises it. */
    KafkaLeaderPublisher(Producer<String, byte[]> producer, KafkaSettings settings, EventCodec codec) {
        this.producer = producer;
        this.settings = settings;
        this.codec = codec;
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    private static Properties properties(KafkaSettings settings, String instanceId, Duration timeout) {
        Properties props = settings.producer("leader");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(settings));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-leader-" + instanceId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(Math.max(timeout.toMillis() * 2, 10_000)));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(timeout.toMillis(), 1_000)));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(timeout.toMillis(), 1_000)));
        return props;
    }

    /**
     * Publishes the round's events in one transaction.
     *
     * @throws Fenced when a newer leader fenced this one: it must step down
     * @throws PublishException when the round could not be committed for another reason; nothing of it is visible
     */
    @Override
    public void publish(List<? extends BatonEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try {
            producer.beginTransaction();
            for (BatonEvent event : events) {
                producer.send(new ProducerRecord<>(settings.topic(event.topic()), event.key(), codec.encode(event)));
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException | InvalidTxnStateException e) {
            throw new Fenced(e);
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (ProducerFencedException | InvalidProducerEpochException | InvalidTxnStateException fenced) {
                throw new Fenced(fenced);
            } catch (KafkaException | IllegalStateException abortFailed) {
                // The producer is in an error state it cannot leave (a fatal error) or cannot reach the coordinator:
                // either way it must not be used again. The transaction is aborted by the coordinator's timeout or
                // by the next leader's initialisation; nothing of it is visible.
                throw new Fenced("the leader's transactional producer cannot go on after " + e.getMessage()
                        + " (abort failed: " + abortFailed.getMessage() + ")", abortFailed);
            }
            throw new PublishException("round not committed: " + e, e);
        } catch (IllegalStateException e) {
            // A commit that timed out (the broker paused or restarting) leaves the producer able only to retry that
            // commit, and an abort is refused too: this producer cannot be used for a new round. Step down; a new
            // producer's initialisation completes or aborts what this one left open, and the next leader reads the
            // assignments to their end before deciding, so the round is neither lost nor made twice.
            throw new Fenced("the leader's transactional producer cannot go on: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(2));
    }

    /**
     * This producer can never commit again: a newer leader initialised the shared transactional id, or the producer
     * hit an error it cannot recover from. The leader must step down; if it is elected again it starts with a new
     * producer, whose initialisation completes whatever the old one left open.
     */
    static final class Fenced extends PublishException {
        private final boolean byNewerLeader;

        /** A newer leader initialised the shared transactional id. */
        Fenced(Throwable cause) {
            super("fenced by a newer placement leader: " + cause.getMessage(), cause);
            this.byNewerLeader = true;
        }

        /** The producer is in an error state it cannot leave (a commit that timed out, an abort that failed). */
        Fenced(String message, Throwable cause) {
            super(message, cause);
            this.byNewerLeader = false;
        }

        /**
         * Whether a newer leader fenced this one (it must step down), rather than the producer breaking on its own
         * (its leader may go on with a new one).
         */
        boolean byNewerLeader() {
            return byNewerLeader;
        }
    }
}
