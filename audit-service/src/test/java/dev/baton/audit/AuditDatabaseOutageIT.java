package dev.baton.audit;

import static dev.baton.audit.AuditTestSupport.TIMEOUT;
import static dev.baton.audit.AuditTestSupport.get;
import static dev.baton.audit.AuditTestSupport.publishAll;
import static dev.baton.audit.AuditTestSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.BatonEvent;
import dev.baton.events.RoleState;
import dev.baton.testkit.Await;
import dev.baton.testkit.EmbeddedPostgresServer;
import dev.baton.testkit.FreePorts;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.TestKafka;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped under a running service and started again: the service stops consuming, reports itself
 * not ready, retries, and stores every event once the database is back. The database is a private embedded
 * server on a fixed data directory and port, so stopping it does not disturb the other test classes.
 */
@ExtendWith(KafkaExtension.class)
class AuditDatabaseOutageIT {
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    @TempDir
    Path dataDir;

    @Test
    void shouldStoreEveryEventPublishedWhilePostgresWasDownOnceItReturns(TestKafka kafka) throws Exception {
        int port = FreePorts.next();
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir.resolve("pg"), port);
        String url = postgres.jdbcUrl("postgres");
        AuditSettings settings = AuditTestSupport.settings(kafka, url, USER, PASSWORD,
                Map.of("db.retry.initial", "100ms", "db.retry.max", "400ms", "audit.batch.size", "50"));
        try (AuditService service = AuditService.start(settings)) {
            List<BatonEvent> before = events("before-", 20);
            publishAll(kafka, before);
            Await.until("events stored while PostgreSQL is up", TIMEOUT, () -> stored(url, "before-%") == 20);

            postgres.close();
            List<BatonEvent> during = events("during-", 120);
            publishAll(kafka, during);

            Await.until("readiness DOWN while PostgreSQL is away", TIMEOUT,
                    () -> get(service.httpPort(), "/health/ready", null).status() == 503);
            assertThat(get(service.httpPort(), "/health/ready", null).json().getString("database")).isEqualTo("DOWN");
            Await.until("the service retries", TIMEOUT, () -> service.metrics().dbFailuresTotal() >= 2);
            assertThat(service.consumer().pendingEvents()).as("a batch is kept, not skipped").isPositive();
            Await.until("the lag counts every event not stored", TIMEOUT, () -> service.metrics().lag() == 120);

            postgres = EmbeddedPostgresServer.start(dataDir.resolve("pg"), port);

            Await.until("every event stored after PostgreSQL returned", TIMEOUT, () -> stored(url, "during-%") == 120);
            assertThat(stored(url, "before-%")).isEqualTo(20);
            assertThat(queryLong(url, USER, PASSWORD, "SELECT count(*) FROM events WHERE event_id = ANY (?)",
                    (Object) before.stream().map(BatonEvent::eventId).toArray(UUID[]::new))).isEqualTo(20);
            assertThat(queryLong(url, USER, PASSWORD, "SELECT count(*) FROM events WHERE event_id = ANY (?)",
                    (Object) during.stream().map(BatonEvent::eventId).toArray(UUID[]::new))).isEqualTo(120);
            Await.until("readiness UP again", TIMEOUT, () -> get(service.httpPort(), "/health/ready", null).status() == 200);
            Await.until("the lag is gone", TIMEOUT, () -> service.metrics().lag() == 0);
        } finally {
            postgres.close();
        }
    }

    private static long stored(String url, String keyPattern) throws SQLException {
        return queryLong(url, USER, PASSWORD, "SELECT count(*) FROM events WHERE record_key LIKE ?", keyPattern);
    }

    private static List<BatonEvent> events(String prefix, int count) {
        Instant now = Instant.now();
        return IntStream.range(0, count)
                .<BatonEvent>mapToObj(i -> Samples.state(prefix + (i % 12), "srv-1", i, RoleState.RUNNING, now.plusMillis(i)))
                .toList();
    }
}
