package dev.baton.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingest's meters, in Prometheus as {@code baton_audit_events_stored_total{type}},
 * {@code baton_audit_events_duplicate_total}, {@code baton_audit_events_refused_total},
 * {@code baton_audit_batch_size}, {@code baton_audit_batch_write_seconds}, {@code baton_audit_consumer_lag} and
 * {@code baton_audit_db_failures_total}.
 */
public final class AuditMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> storedByType = new ConcurrentHashMap<>();
    private final Counter duplicates;
    private final Counter refused;
    private final Counter dbFailures;
    private final DistributionSummary batchSize;
    private final Timer batchWrite;
    private final AtomicLong lag = new AtomicLong();

    public AuditMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duplicates = Counter.builder("baton.audit.events.duplicate")
                .description("Redelivered or republished events ignored because their id was already stored")
                .register(registry);
        this.refused = Counter.builder("baton.audit.events.refused")
                .description("Events PostgreSQL refused, stored as dead letters instead")
                .register(registry);
        this.dbFailures = Counter.builder("baton.audit.db.failures")
                .description("Batches that could not be written and are retried")
                .register(registry);
        this.batchSize = DistributionSummary.builder("baton.audit.batch.size")
                .description("Records per stored batch")
                .register(registry);
        this.batchWrite = Timer.builder("baton.audit.batch.write")
                .description("Time to write and commit one stored batch in PostgreSQL")
                .register(registry);
        Gauge.builder("baton.audit.consumer.lag", lag, AtomicLong::get)
                .description("Records on the audited topics not yet stored")
                .register(registry);
    }

    void stored(String type, int count) {
        storedByType.computeIfAbsent(type, t -> Counter.builder("baton.audit.events.stored")
                .description("Events stored, by type")
                .tag("type", t)
                .register(registry)).increment(count);
    }

    void duplicates(int count) {
        duplicates.increment(count);
    }

    void refused(int count) {
        refused.increment(count);
    }

    void dbFailure() {
        dbFailures.increment();
    }

    void batch(int size, long writeNanos) {
        batchSize.record(size);
        batchWrite.record(writeNanos, TimeUnit.NANOSECONDS);
    }

    void lag(long records) {
        lag.set(records);
    }

    public long lag() {
        return lag.get();
    }

    /** Events stored so far, all types; for tests and readiness details. */
    public double storedTotal() {
        return storedByType.values().stream().mapToDouble(Counter::count).sum();
    }

    public double duplicatesTotal() {
        return duplicates.count();
    }

    public double dbFailuresTotal() {
        return dbFailures.count();
    }
}
