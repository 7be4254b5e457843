package dev.baton.audit;

import dev.baton.audit.ingest.Backoff;
import dev.baton.audit.ingest.EventRows;
import dev.baton.audit.ingest.RawRecord;
import dev.baton.audit.ingest.StoredEvent;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the audited topics on its own thread and stores every record exactly once.
 *
 * <p>Each poll is one batch: every record becomes a row ({@link EventRows}), the rows go to PostgreSQL in one
 * transaction that ignores ids already stored, and only after that commit are the batch's offsets committed
 * to Kafka. A crash between the two commits redelivers the batch, which the store then ignores, so nothing is
 * lost and nothing is stored twice.
 *
 * <p>When PostgreSQL cannot take a batch, the batch is kept, every assigned partition is paused and the write
 * is retried with bounded exponential back-off. Polling goes on (it returns nothing while paused) so the
 * consumer keeps its place in the group; nothing is skipped, and consumption resumes once the batch is stored.
 * Partitions revoked meanwhile drop their part of the kept batch: it was not committed, so their next owner
 * reads it again.
 */
public final class KafkaAuditConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAuditConsumer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LAG_INTERVAL = Duration.ofSeconds(1);
    private static final Duration LAG_TIMEOUT = Duration.ofSeconds(1);

    /** Where the consumer thread is. */
    public enum State {
        STARTING,
        RUNNING,
        STOPPED,
        FAILED
    }

    private final Consumer<String, byte[]> consumer;
    private final List<String> topics;
    private final PostgresEventStore store;
    private final EventRows rows;
    private final Backoff backoff;
    private final Duration pollTimeout;
    private final AuditMetrics metrics;
    private final IngestHooks hooks;
    private final Clock clock;
    private final Thread thread;

    private volatile boolean running = true;
    private volatile boolean started;
    private volatile State state = State.STARTING;
    private volatile boolean databaseUp = true;
    private volatile int pendingEvents;
    private volatile String lastProblem;

    // Consumer-thread state.
    private Batch pending;
    private int failures;
    private Instant nextAttempt = Instant.MIN;
    private Instant nextLagUpdate = Instant.MIN;
    private final Map<TopicPartition, OffsetAndMetadata> stored = new HashMap<>();

    /**
     * @param consumer a consumer that does not auto-commit; from now on only this object's thread uses it
     */
    public KafkaAuditConsumer(Consumer<String, byte[]> consumer, List<String> topics, PostgresEventStore store,
            EventRows rows, Backoff backoff, Duration pollTimeout, AuditMetrics metrics, IngestHooks hooks, Clock clock) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.store = store;
        this.rows = rows;
        this.backoff = backoff;
        this.pollTimeout = pollTimeout;
        this.metrics = metrics;
        this.hooks = hooks;
        this.clock = clock;
        this.thread = new Thread(this::run, "audit-consumer");
    }

    /** Starts the consumer thread. */
    public void start() {
        started = true;
        thread.start();
    }

    public State state() {
        return state;
    }

    /** False from a failed write until a write succeeds again. */
    public boolean databaseUp() {
        return databaseUp;
    }

    /** Events read but not stored yet (the batch kept while PostgreSQL is unavailable). */
    public int pendingEvents() {
        return pendingEvents;
    }

    /** The last failure, readable; null when the last write succeeded. */
    public String lastProblem() {
        return lastProblem;
    }

    private void run() {
        try {
            consumer.subscribe(topics, new Rebalance());
            state = State.RUNNING;
            LOG.info("Consuming {} into PostgreSQL", topics);
            while (running) {
                if (pending != null) {
                    retryWhenDue();
                    continue;
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                updateLag();
                if (!records.isEmpty()) {
                    attempt(toBatch(records));
                }
            }
            state = State.STOPPED;
        } catch (WakeupException | InterruptException e) {
            if (running) {
                fail(e);
            } else {
                state = State.STOPPED;
            }
        } catch (Throwable e) {
            fail(e);
        } finally {
            try {
                // No commit here: offsets are committed only after the rows they cover are stored.
                consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            } catch (RuntimeException e) {
                LOG.warn("Kafka consumer did not close cleanly: {}", e.toString());
            }
        }
    }

    private void fail(Throwable e) {
        state = State.FAILED;
        lastProblem = "consumer stopped: " + e;
        LOG.error("Audit consumer stopped: {}; offsets are committed only up to the last stored batch, so a restart"
                + " resumes without loss", e.toString(), e);
        hooks.consumerFailed(e);
    }

    private void retryWhenDue() {
        Duration wait = Duration.between(clock.instant(), nextAttempt);
        if (wait.isNegative() || wait.isZero()) {
            attempt(pending);
            return;
        }
        // Paused: this poll returns nothing but keeps the consumer in its group while the database is away.
        ConsumerRecords<String, byte[]> records = consumer.poll(wait.compareTo(pollTimeout) < 0 ? wait : pollTimeout);
        if (!records.isEmpty()) {
            // Not expected while every partition is paused, but a rebalance inside this poll may have dropped the
            // kept batch and resumed: whatever arrives joins the kept batch and everything pauses again. Never skip.
            Batch more = toBatch(records);
            pending = pending == null ? more : pending.plus(more);
            pendingEvents = pending.rows().size();
            consumer.pause(consumer.assignment());
        }
        updateLag();
    }

    private void attempt(Batch batch) {
        PostgresEventStore.StoreResult result;
        long storeStarted = System.nanoTime();
        try {
            result = store.store(batch.rows(), rows, () -> hooks.beforeDatabaseCommit(batch.rows()));
        } catch (SQLException e) {
            onWriteFailure(batch, e);
            return;
        }
        result.insertedByType().forEach(metrics::stored);
        metrics.duplicates(result.duplicates());
        metrics.refused(result.refused());
        metrics.batch(batch.rows().size());
        if (result.duplicates() > 0) {
            LOG.info("Ignored {} already stored events of a batch of {} (redelivered or published twice)",
                    result.duplicates(), batch.rows().size());
        }
        hooks.afterDatabaseCommit(batch.rows());
        batch.nextOffsets().forEach((partition, next) -> stored.put(partition, new OffsetAndMetadata(next)));
        long storeDone = System.nanoTime();
        commitStoredOffsets();
        LOG.debug("Stored a batch of {} ({} new) in {} ms; offsets committed in {} ms", batch.rows().size(),
                result.inserted(), (storeDone - storeStarted) / 1_000_000, (System.nanoTime() - storeDone) / 1_000_000);
        if (pending != null) {
            LOG.info("PostgreSQL is back: stored the kept batch of {} events after {} failed attempts; resuming",
                    batch.rows().size(), failures);
            consumer.resume(consumer.paused());
            pending = null;
        }
        pendingEvents = 0;
        failures = 0;
        databaseUp = true;
        lastProblem = null;
    }

    private void onWriteFailure(Batch batch, SQLException e) {
        failures++;
        metrics.dbFailure();
        Duration delay = backoff.delayAfter(failures);
        nextAttempt = clock.instant().plus(delay);
        databaseUp = false;
        lastProblem = "PostgreSQL: " + e.getSQLState() + " " + PostgresEventStore.firstLine(e);
        if (pending == null) {
            consumer.pause(consumer.assignment());
        }
        pending = batch;
        pendingEvents = batch.rows().size();
        LOG.warn("Cannot store a batch of {} events ({}); consumption paused, nothing skipped; retry {} in {} ms",
                batch.rows().size(), lastProblem, failures, delay.toMillis());
    }

    private void commitStoredOffsets() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        stored.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                offsets.put(partition, offset);
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException | RetriableException e) {
            // The rows are stored: a redelivery of them is ignored by id. The next commit carries these offsets too.
            LOG.warn("Offsets not committed ({}); stored events read again later are ignored by id", e.toString());
        }
    }

    /**
     * Lag is what is on the audited topics and not stored yet: end offsets (the last stable offsets, as the
     * consumer reads committed records only) minus positions, plus the batch kept in memory. End offsets are a
     * request to the broker, so they are asked at most once per {@link #LAG_INTERVAL}; positions are local.
     */
    private void updateLag() {
        Instant now = clock.instant();
        if (now.isBefore(nextLagUpdate)) {
            return;
        }
        nextLagUpdate = now.plus(LAG_INTERVAL);
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            long lag = pendingEvents;
            if (!assigned.isEmpty()) {
                Map<TopicPartition, Long> end = consumer.endOffsets(assigned, LAG_TIMEOUT);
                for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
                    lag += Math.max(0, partition.getValue() - consumer.position(partition.getKey(), LAG_TIMEOUT));
                }
            }
            metrics.lag(lag);
        } catch (KafkaException e) {
            LOG.debug("lag unknown for now: {}", e.toString());
        }
    }

    private Batch toBatch(ConsumerRecords<String, byte[]> records) {
        List<StoredEvent> batchRows = new ArrayList<>(records.count());
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            batchRows.add(rows.toRow(new RawRecord(record.topic(), record.partition(), record.offset(),
                    record.timestamp(), record.key(), record.value())));
            next.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        }
        return new Batch(batchRows, next);
    }

    /** Stops the consumer thread; a batch being written is finished first. */
    @Override
    public void close() {
        if (!started) {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            return;
        }
        running = false;
        try {
            consumer.wakeup();
        } catch (RuntimeException e) {
            LOG.debug("wakeup of a closed consumer: {}", e.toString());
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Audit consumer thread did not stop within 30 s");
        }
    }

    /** Rows read in one or more polls and, per partition, the offset after the last of them. */
    private record Batch(List<StoredEvent> rows, Map<TopicPartition, Long> nextOffsets) {
        Batch plus(Batch more) {
            List<StoredEvent> all = new ArrayList<>(rows);
            all.addAll(more.rows());
            Map<TopicPartition, Long> next = new HashMap<>(nextOffsets);
            more.nextOffsets().forEach((partition, offset) -> next.merge(partition, offset, Math::max));
            return new Batch(all, next);
        }

        Batch without(Collection<TopicPartition> partitions) {
            List<StoredEvent> kept = rows.stream()
                    .filter(row -> !partitions.contains(new TopicPartition(row.topic(), row.partition())))
                    .toList();
            Map<TopicPartition, Long> next = new HashMap<>(nextOffsets);
            next.keySet().removeAll(partitions);
            return new Batch(kept, next);
        }
    }

    /** Runs inside {@code poll} on the consumer thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            partitions.forEach(partition -> {
                OffsetAndMetadata offset = stored.get(partition);
                if (offset != null) {
                    offsets.put(partition, offset);
                }
            });
            if (!offsets.isEmpty()) {
                try {
                    consumer.commitSync(offsets);
                } catch (KafkaException e) {
                    LOG.warn("Offsets of revoked partitions not committed ({}); their next owner ignores what is"
                            + " already stored", e.toString());
                }
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (pending != null && !partitions.isEmpty()) {
                // Still waiting for PostgreSQL: new partitions wait too, so the kept batch stays the only one.
                consumer.pause(partitions);
            }
            LOG.info("Assigned {} partitions of the audited topics", consumer.assignment().size());
        }

        private void forget(Collection<TopicPartition> partitions) {
            stored.keySet().removeAll(partitions);
            if (pending == null) {
                return;
            }
            int before = pending.rows().size();
            pending = pending.without(partitions);
            pendingEvents = pending.rows().size();
            if (pending.rows().size() < before) {
                LOG.info("Dropped {} kept events of revoked partitions from memory; their next owner reads them again",
                        before - pending.rows().size());
            }
            if (pending.rows().isEmpty()) {
                pending = null;
                consumer.resume(consumer.paused());
            }
        }
    }
}
