package dev.baton.audit;

import dev.baton.audit.ingest.StoredEvent;
import java.util.List;

/**
 * Points in the ingest where tests inject a crash, and where the service reports that its consumer ended.
 *
 * <p>Anything thrown from {@link #beforeDatabaseCommit} or {@link #afterDatabaseCommit} ends the consumer
 * the way a crash would: the transaction is rolled back (before) or committed (after), and the offsets are not
 * committed in either case, so a restarted service re-reads the batch and the store ignores what it already
 * holds.
 */
public interface IngestHooks {
    /** No hooks: production. */
    IngestHooks NONE = new IngestHooks() {
    };

    /** The batch is inserted but not committed. */
    default void beforeDatabaseCommit(List<StoredEvent> batch) {
    }

    /** The batch is committed in PostgreSQL; its offsets are not committed yet. */
    default void afterDatabaseCommit(List<StoredEvent> batch) {
    }

    /** The consumer thread ended because of {@code failure} (never called for a requested stop). */
    default void consumerFailed(Throwable failure) {
    }
}
