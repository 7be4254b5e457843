package dev.baton.placement.loop;

import dev.baton.runtime.kafka.DeadLetters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters of the records every placement instance reads, published by the leader only: one bad record, one
 * dead letter on the topic, however many instances read it.
 *
 * <p>A standby logs the record and keeps it for a takeover window instead. Every instance reads the same records at
 * about the same time, so the leader has published the dead letter already; but a record read while no instance
 * led (the leader died, a takeover in progress) would otherwise be published by nobody. So an instance that starts
 * leading publishes what it kept from the last window, under the same deterministic id
 * ({@code DeadLetter.idFor}): across a change of leader a record may reach the topic twice, and the audit still
 * stores it once. Called from the loop's thread only.
 */
final class DeadLetterGate {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterGate.class);

    private record Kept(ConsumerRecord<String, byte[]> record, String reason, Instant seenAt) {
    }

    private final DeadLetters deadLetters;
    private final Clock clock;
    private final Duration window;
    private final Deque<Kept> kept = new ArrayDeque<>();
    private BooleanSupplier leading = () -> true;

    /** @param window how long a standby keeps a bad record for publishing it should it take over */
    DeadLetterGate(DeadLetters deadLetters, Clock clock, Duration window) {
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.window = window;
    }

    /** Whether this instance leads, asked at every rejected record; until set, every record is published. */
    void publishWhile(BooleanSupplier leading) {
        this.leading = leading;
    }

    /** A record that could not be decoded. */
    void reject(ConsumerRecord<String, byte[]> record, String reason) {
        if (leading.getAsBoolean()) {
            publish(record, reason);
            return;
        }
        LOG.warn("Undecodable record {}-{}@{} key={} ({}): its dead letter is published by the placement leader",
                record.topic(), record.partition(), record.offset(), record.key(), reason);
        kept.add(new Kept(record, reason, clock.instant()));
        forgetOld();
    }

    /** Called after every poll: a new leader publishes what it kept from the takeover window. */
    void afterPoll() {
        forgetOld();
        if (!kept.isEmpty() && leading.getAsBoolean()) {
            LOG.info("Publishing {} dead letters read while this instance did not lead", kept.size());
            kept.forEach(k -> publish(k.record(), k.reason()));
            kept.clear();
        }
    }

    private void forgetOld() {
        Instant oldest = clock.instant().minus(window);
        while (!kept.isEmpty() && kept.peekFirst().seenAt().isBefore(oldest)) {
            kept.removeFirst();
        }
    }

    private void publish(ConsumerRecord<String, byte[]> record, String reason) {
        deadLetters.publish(record, reason).whenComplete((metadata, error) -> {
            if (error != null) {
                LOG.error("Could not publish the dead letter of {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), error.toString());
            }
        });
    }
}
