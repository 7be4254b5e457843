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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * <p>Records become rows ({@link EventRows}) on the consumer thread as they are polled and gather into a batch
 * of at most {@code audit.batch.size} rows. A batch goes to PostgreSQL in one transaction that ignores ids
 * already stored; only after that commit are the batch's offsets committed to Kafka. A crash between the two
 * commits redelivers the batch, which the store then ignores, so nothing is lost and nothing is stored twice.
 *
 * <p>The write runs on a second thread ({@code audit-writer}), one batch at a time, while the consumer thread
 * polls and decodes the next batch: that batch is handed over as soon as the write before it is committed, so a
 * busy store takes big batches and an idle one small, prompt ones. The hand-off is bounded: while a full batch
 * waits, nothing more is polled. Everything else (offsets, pausing, the kept batch, rebalances) stays on the
 * consumer thread; a rebalance first waits for the write in flight.
 *
 * <p>When PostgreSQL cannot take a batch, the batch (and whatever was read after it) is kept, every assigned
 * partition is paused and the write is retried with bounded exponential back-off. Polling goes on (it returns
 * nothing while paused) so the consumer keeps its place in the group; nothing is skipped, and consumption
 * resumes once the batch is stored. Partitions revoked meanwhile drop their part of the kept batch: it was not
 * committed, so their next owner reads it again.
 */
public final class KafkaAuditConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAuditConsumer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LAG_INTERVAL = Duration.ofSeconds(1);
    private static final Duration LAG_TIMEOUT = Duration.ofSeconds(1);
    /** Records per poll; a batch gathers several polls up to the batch size. */
    static final int MAX_POLL_RECORDS = 500;
    /** A batch is full at this many characters of payload, whatever its row count (bounds memory). */
    static final long MAX_BATCH_CHARS = 16L * 1024 * 1024;
    /** How long a poll waits for more records while a write is in flight (then the write is checked again). */
    private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(5);

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
    private final int batchSize;
    private final int maxPollRecords;
    private final AuditMetrics metrics;
    private final IngestHooks hooks;
    private final Clock clock;
    private final Thread thread;
    private final ExecutorService writer;

    private volatile boolean running = true;
    private volatile boolean started;
    private volatile State state = State.STARTING;
    private volatile boolean databaseUp = true;
    private volatile int pendingEvents;
    private volatile String lastProblem;

    // Consumer-thread state.
    /** Kept after a failed write, retried when due; while it is there every partition is paused. */
    private Batch pending;
    /** Read and decoded, waiting for the write in flight to end. */
    private Batch forming;
    /** Being written by the writer thread. */
    private Write inFlight;
    private int failures;
    private Instant nextAttempt = Instant.MIN;
    private Instant nextLagUpdate = Instant.MIN;
    private final Map<TopicPartition, OffsetAndMetadata> stored = new HashMap<>();
    private boolean uncommitted;

    /**
     * @param consumer a consumer that does not auto-commit, polling at most {@code min(batchSize,
     *     MAX_POLL_RECORDS)} records ({@link #maxPollRecords}); from now on only this object's thread uses it
     * @param batchSize the most rows written in one transaction
     */
    public KafkaAuditConsumer(Consumer<String, byte[]> consumer, List<String> topics, PostgresEventStore store,
            EventRows rows, Backoff backoff, Duration pollTimeout, int batchSize, AuditMetrics metrics,
            IngestHooks hooks, Clock clock) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.store = store;
        this.rows = rows;
        this.backoff = backoff;
        this.pollTimeout = pollTimeout;
        this.batchSize = batchSize;
        this.maxPollRecords = maxPollRecords(batchSize);
        this.metrics = metrics;
        this.hooks = hooks;
        this.clock = clock;
        this.thread = new Thread(this::run, "audit-consumer");
        this.writer = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "audit-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** The consumer's {@code max.poll.records} for a batch size. */
    public static int maxPollRecords(int batchSize) {
        return Math.min(batchSize, MAX_POLL_RECORDS);
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

    /** Events read but not stored yet: being written, waiting for that write, or kept while PostgreSQL is away. */
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
                if (inFlight != null && (inFlight.result().isDone() || full(forming))) {
                    finish();
                    continue;
                }
                if (inFlight == null) {
                    if (forming != null) {
                        submit(forming);
                        forming = null;
                    }
                    // While the next batch is written: the offsets of the one before it.
                    commitStoredOffsets();
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(inFlight == null ? pollTimeout
                        : IN_FLIGHT_POLL.compareTo(pollTimeout) < 0 ? IN_FLIGHT_POLL : pollTimeout);
                if (!records.isEmpty()) {
                    Batch more = toBatch(records);
                    forming = forming == null ? more : forming.plus(more);
                    updatePending();
                }
                updateLag();
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
            awaitWriter();
            try {
                // No commit here: offsets are committed only after the rows they cover are stored.
                consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            } catch (RuntimeException e) {
                LOG.warn("Kafka consumer did not close cleanly: {}", e.toString());
            }
        }
    }

    /** Lets a write in flight end (its offsets are not committed: a restart reads it again and ignores it). */
    private void awaitWriter() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("The batch being written did not end within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(Throwable e) {
        state = State.FAILED;
        lastProblem = "consumer stopped: " + e;
        LOG.error("Audit consumer stopped: {}; offsets are committed only up to the last stored batch, so a restart"
                + " resumes without loss", e.toString(), e);
        hooks.consumerFailed(e);
    }

    /** True when the next poll could take {@code batch} past the batch size (or its payload past the bound). */
    private boolean full(Batch batch) {
        return batch != null && (batch.rows().size() + maxPollRecords > batchSize || batch.chars() >= MAX_BATCH_CHARS);
    }

    private void retryWhenDue() {
        Duration wait = Duration.between(clock.instant(), nextAttempt);
        if (wait.isNegative() || wait.isZero()) {
            submit(pending);
            finish();
            return;
        }
        // Paused: this poll returns nothing but keeps the consumer in its group while the database is away.
        ConsumerRecords<String, byte[]> records = consumer.poll(wait.compareTo(pollTimeout) < 0 ? wait : pollTimeout);
        if (!records.isEmpty()) {
            // Not expected while every partition is paused, but a rebalance inside this poll may have dropped the
            // kept batch and resumed: whatever arrives joins the kept batch and everything pauses again. Never skip.
            Batch more = toBatch(records);
            pending = pending == null ? more : pending.plus(more);
            updatePending();
            consumer.pause(consumer.assignment());
        }
        updateLag();
    }

    /** Hands {@code batch} to the writer thread. */
    private void submit(Batch batch) {
        Callable<Written> write = () -> {
            long start = System.nanoTime();
            PostgresEventStore.StoreResult result = store.store(batch.rows(), rows,
                    () -> hooks.beforeDatabaseCommit(batch.rows()));
            return new Written(result, System.nanoTime() - start);
        };
        inFlight = new Write(batch, writer.submit(write));
        updatePending();
    }

    /** Waits for the write in flight to end and takes its outcome. */
    private void finish() {
        Write write = inFlight;
        Written written;
        try {
            written = write.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            inFlight = null;
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                onWriteFailure(write.batch(), sql);
                return;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
        inFlight = null;
        onStored(write.batch(), written);
    }

    private void onStored(Batch batch, Written written) {
        PostgresEventStore.StoreResult result = written.result();
        result.insertedByType().forEach(metrics::stored);
        metrics.duplicates(result.duplicates());
        metrics.refused(result.refused());
        metrics.batch(batch.rows().size(), written.nanos());
        if (result.duplicates() > 0) {
            LOG.info("Ignored {} already stored events of a batch of {} (redelivered or published twice)",
                    result.duplicates(), batch.rows().size());
        }
        hooks.afterDatabaseCommit(batch.rows());
        batch.nextOffsets().forEach((partition, next) -> stored.put(partition, new OffsetAndMetadata(next)));
        uncommitted = true;
        LOG.debug("Stored a batch of {} ({} new) in {} ms", batch.rows().size(), result.inserted(),
                written.nanos() / 1_000_000);
        if (pending != null) {
            LOG.info("PostgreSQL is back: stored the kept batch of {} events after {} failed attempts; resuming",
                    batch.rows().size(), failures);
            consumer.resume(consumer.paused());
            pending = null;
            commitStoredOffsets();
        }
        updatePending();
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
        // What was read after the failed batch waits with it: one kept batch, retried as a whole.
        pending = forming == null ? batch : batch.plus(forming);
        forming = null;
        updatePending();
        LOG.warn("Cannot store a batch of {} events ({}); consumption paused, nothing skipped; retry {} in {} ms",
                pending.rows().size(), lastProblem, failures, delay.toMillis());
    }

    private void updatePending() {
        pendingEvents = size(pending) + size(forming)
                + (inFlight == null || inFlight.batch() == pending ? 0 : inFlight.batch().rows().size());
    }

    private static int size(Batch batch) {
        return batch == null ? 0 : batch.rows().size();
    }

    /** Commits the offsets of what is stored and not committed yet, on the partitions still assigned. */
    private void commitStoredOffsets() {
        if (!uncommitted) {
            return;
        }
        uncommitted = false;
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
            uncommitted = true;
            LOG.warn("Offsets not committed ({}); stored events read again later are ignored by id", e.toString());
        }
    }

    /**
     * Lag is what is on the audited topics and not stored yet: end offsets (the last stable offsets, as the
     * consumer reads committed records only) minus positions, plus what was read and is not stored yet. End
     * offsets are a request to the broker, so they are asked at most once per {@link #LAG_INTERVAL}; positions are
     * local.
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
        long chars = 0;
        for (ConsumerRecord<String, byte[]> record : records) {
            StoredEvent row = rows.toRow(new RawRecord(record.topic(), record.partition(), record.offset(),
                    record.timestamp(), record.key(), record.value()));
            batchRows.add(row);
            chars += row.payload().length();
            next.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        }
        return new Batch(batchRows, next, chars);
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

    /** Rows read in one or more polls, per partition the offset after the last of them, and their payload size. */
    private record Batch(List<StoredEvent> rows, Map<TopicPartition, Long> nextOffsets, long chars) {
        Batch plus(Batch more) {
            List<StoredEvent> all = new ArrayList<>(rows.size() + more.rows().size());
            all.addAll(rows);
            all.addAll(more.rows());
            Map<TopicPartition, Long> next = new HashMap<>(nextOffsets);
            more.nextOffsets().forEach((partition, offset) -> next.merge(partition, offset, Math::max));
            return new Batch(all, next, chars + more.chars());
        }

        Batch without(Collection<TopicPartition> partitions) {
            List<StoredEvent> kept = rows.stream()
                    .filter(row -> !partitions.contains(new TopicPartition(row.topic(), row.partition())))
                    .toList();
            Map<TopicPartition, Long> next = new HashMap<>(nextOffsets);
            next.keySet().removeAll(partitions);
            return new Batch(kept, next, kept.stream().mapToLong(row -> row.payload().length()).sum());
        }
    }

    /** A batch handed to the writer thread. */
    private record Write(Batch batch, Future<Written> result) {
    }

    /** What the writer did with a batch, and how long it took. */
    private record Written(PostgresEventStore.StoreResult result, long nanos) {
    }

    /** Runs inside {@code poll} on the consumer thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            if (inFlight != null) {
                // The batch being written may hold rows of these partitions: its outcome decides their offsets.
                finish();
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
            if (inFlight != null) {
                finish();
            }
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
            if (forming != null) {
                // Read but not stored: not committed either, so their next owner reads them again.
                forming = forming.without(partitions);
                if (forming.rows().isEmpty()) {
                    forming = null;
                }
                updatePending();
            }
            if (pending == null) {
                return;
            }
            int before = pending.rows().size();
            pending = pending.without(partitions);
            updatePending();
            if (pending.rows().size() < before) {
                LOG.info("Dropped {} kept events of revoked partitions from memory; their next owner reads them again",
                        before - pending.rows().size());
            }
            if (pending.rows().isEmpty()) {
                pending = null;
                updatePending();
                consumer.resume(consumer.paused());
            }
        }
    }
}
