package dev.baton.audit;

import static dev.baton.audit.AuditTestSupport.TIMEOUT;
import static dev.baton.audit.AuditTestSupport.publishAll;
import static dev.baton.audit.AuditTestSupport.publishRecords;
import static dev.baton.audit.AuditTestSupport.queryLong;
import static dev.baton.audit.AuditTestSupport.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.audit.ingest.StoredEvent;
import dev.baton.events.BatonEvent;
import dev.baton.events.DeadLetter;
import dev.baton.events.EventCodec;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.SafetyBrakeEngaged;
import dev.baton.events.SafetyBrakeReleased;
import dev.baton.events.Topic;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly once on the real broker and database: duplicates, undecodable records, and a service killed in the
 * middle of a batch (before and after the database commit) and restarted.
 */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
class AuditIngestIT {
    private static final Logger LOG = LoggerFactory.getLogger(AuditIngestIT.class);
    private static final CrashSwitch CRASH = new CrashSwitch();
    private static AuditSettings settings;
    private static AuditService service;
    private static TestDatabase db;

    @BeforeAll
    static void start(TestKafka kafka, TestDatabase database) throws Exception {
        db = database;
        settings = AuditTestSupport.settings(kafka, db.jdbcUrl(), db.username(), db.password(),
                Map.of("audit.batch.size", "200"));
        service = AuditService.start(settings, CRASH);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static long count(String sql, Object... params) throws SQLException {
        return queryLong(db.jdbcUrl(), db.username(), db.password(), sql, params);
    }

    private static void awaitCount(String description, long expected, String sql, Object... params) {
        Await.until(description, TIMEOUT, () -> count(sql, params) == expected);
    }

    private static void restart() throws Exception {
        service.close();
        CRASH.disarm();
        service = AuditService.start(settings, CRASH);
    }

    @Test
    void shouldStoreAnEventPublishedTwiceOnce(TestKafka kafka) throws Exception {
        RoleMoved moved = Samples.moved("twice-1", 1, null, "srv-1", MoveReason.INITIAL, null, Instant.now(), Instant.now());
        double duplicatesBefore = service.metrics().duplicatesTotal();

        RecordMetadata first = kafka.send(moved);
        kafka.send(moved);

        Await.until("the second copy is read and ignored", TIMEOUT,
                () -> service.metrics().duplicatesTotal() >= duplicatesBefore + 1);
        assertThat(count("SELECT count(*) FROM events WHERE event_id = ?", moved.eventId())).isEqualTo(1);
        assertThat(count("SELECT kafka_offset FROM events WHERE event_id = ?", moved.eventId()))
                .as("the first copy is the one kept").isEqualTo(first.offset());
    }

    @Test
    void shouldStoreTheSafetyBrakeEventsLikeTheOtherServerEvents(TestKafka kafka) throws Exception {
        Instant now = Instant.now();
        SafetyBrakeEngaged engaged = new SafetyBrakeEngaged(UUID.randomUUID(), now, "placement-1", now.minusMillis(5),
                List.of("brake-a", "brake-b"), 3, "2 of 3 servers fell silent at once");
        SafetyBrakeReleased released = new SafetyBrakeReleased(UUID.randomUUID(), now.plusSeconds(1), "placement-1",
                "alice", "released by alice");

        kafka.send(engaged);
        kafka.send(released);

        awaitCount("both brake events stored", 2,
                "SELECT count(*) FROM events WHERE event_id IN (?, ?) AND topic LIKE '%server-events'",
                engaged.eventId(), released.eventId());
        assertThat(count("SELECT count(*) FROM events WHERE event_id = ? AND type = 'SafetyBrakeEngaged'"
                + " AND record_key = 'placement-1' AND payload->'silentServers' = '[\"brake-a\", \"brake-b\"]'::jsonb",
                engaged.eventId())).isEqualTo(1);
    }

    @Test
    void shouldStoreUndecodableRecordsAsDeadLettersWithTheirReason(TestKafka kafka) throws Exception {
        RecordMetadata text = kafka.sendRaw(kafka.topic(Topic.ROLE_EVENTS), "dl-1", "not json at all".getBytes(StandardCharsets.UTF_8));
        RecordMetadata unknown = kafka.sendRaw(kafka.topic(Topic.PROXY_EVENTS), "dl-2",
                "{\"type\":\"RoleTeleported\",\"schemaVersion\":1,\"roleId\":\"r-9\"}".getBytes(StandardCharsets.UTF_8));
        RecordMetadata binary = kafka.sendRaw(kafka.topic(Topic.SERVER_EVENTS), null, new byte[] {(byte) 0xff, 0, 1});
        BatonEvent forwarded = Samples.deadLetter(Instant.now());
        kafka.send(forwarded);

        String at = "SELECT count(*) FROM events WHERE type = 'DeadLetter' AND topic = ? AND kafka_partition = ? AND kafka_offset = ?";
        for (RecordMetadata sent : List.of(text, unknown, binary)) {
            awaitCount("dead letter of " + sent, 1, at, sent.topic(), sent.partition(), sent.offset());
        }
        awaitCount("the forwarded dead letter", 1, "SELECT count(*) FROM events WHERE event_id = ?", forwarded.eventId());

        try (Connection connection = db.connect();
             PreparedStatement select = connection.prepareStatement("SELECT payload->>'reason', payload->'rawJson'->>'roleId',"
                     + " payload->>'payloadBase64', payload->>'payload', payload->>'rejectedBy'"
                     + " FROM events WHERE topic = ? AND kafka_offset = ? AND kafka_partition = ?")) {
            assertThat(row(select, text)).containsExactly(
                    "malformed JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                    null, null, "not json at all", "audit-service");
            assertThat(row(select, unknown)).containsExactly(
                    "unknown event type 'RoleTeleported'", "r-9", null,
                    "{\"type\":\"RoleTeleported\",\"schemaVersion\":1,\"roleId\":\"r-9\"}", "audit-service");
            assertThat(row(select, binary).get(2)).isEqualTo("/wAB");
        }
    }

    @Test
    void shouldStoreOneDeadLetterPerBadRecordWhoeverReadsIt(TestKafka kafka) throws Exception {
        // A bad record the audit reads itself, and two placement instances that rejected it too
        RecordMetadata bad = kafka.sendRaw(kafka.topic(Topic.ROLE_EVENTS), "dl-3",
                "{\"type\":\"RoleMoved\"".getBytes(StandardCharsets.UTF_8));
        UUID id = DeadLetter.idFor(bad.topic(), bad.partition(), bad.offset(), bad.timestamp());
        for (String instance : List.of("placement-1", "placement-2")) {
            kafka.send(new DeadLetter(id, Instant.now(), bad.topic(), bad.partition(), bad.offset(), "dl-3",
                    "malformed JSON", "{\"type\":\"RoleMoved\"", null, instance));
        }
        double duplicatesBefore = service.metrics().duplicatesTotal();

        Await.until("both published dead letters are read and ignored", TIMEOUT,
                () -> service.metrics().duplicatesTotal() >= duplicatesBefore + 2);
        assertThat(count("SELECT count(*) FROM events WHERE event_id = ?", id)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM events WHERE type = 'DeadLetter' AND payload->>'sourceOffset' = ?"
                + " AND payload->>'sourceTopic' = ?", Long.toString(bad.offset()), bad.topic())).isEqualTo(1);
    }

    private static List<String> row(PreparedStatement select, RecordMetadata sent) throws SQLException {
        select.setString(1, sent.topic());
        select.setLong(2, sent.offset());
        select.setInt(3, sent.partition());
        try (ResultSet result = select.executeQuery()) {
            assertThat(result.next()).isTrue();
            List<String> values = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                values.add(result.getString(i));
            }
            return values;
        }
    }

    @Test
    void shouldStoreAnEventPostgresRefusesAsADeadLetterAndTheRestOfItsBatchNormally(TestKafka kafka) throws Exception {
        Instant now = Instant.now();
        RoleMoved good = Samples.moved("refused-1", 1, null, "srv-1", MoveReason.INITIAL, null, now, now);
        RoleMoved bad = Samples.moved("refused-1", 2, "srv-1", "srv-2", MoveReason.MANUAL, null, now, now);
        // A lone surrogate escape: valid for Jackson, refused by jsonb (SQLSTATE 22P02).
        String badJson = new String(new EventCodec().encode(bad), StandardCharsets.UTF_8)
                .replace("srv-1 DOWN: no heartbeat", "broken \\ud800 cause");
        assertThat(badJson).contains("broken \\ud800 cause");
        RoleMoved after = Samples.moved("refused-1", 3, "srv-2", "srv-3", MoveReason.MANUAL, null, now, now);
        double refusedBefore = service.registry().get("baton.audit.events.refused").counter().count();

        publishRecords(kafka, List.of(record(kafka, good),
                new ProducerRecord<>(kafka.topic(Topic.ROLE_EVENTS), "refused-1", badJson.getBytes(StandardCharsets.UTF_8)),
                record(kafka, after)));

        awaitCount("all three stored", 3, "SELECT count(*) FROM events WHERE record_key = 'refused-1'");
        assertThat(count("SELECT count(*) FROM events WHERE type = 'RoleMoved' AND event_id IN (?, ?)",
                good.eventId(), after.eventId())).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM events WHERE type = 'DeadLetter' AND event_id = ?"
                + " AND payload ->> 'reason' LIKE 'PostgreSQL refused the event: 22P02%'", bad.eventId())).isEqualTo(1);
        assertThat(service.registry().get("baton.audit.events.refused").counter().count()).isEqualTo(refusedBefore + 1);
    }

    @Test
    void shouldLoseAndDuplicateNothingWhenKilledAfterTheDatabaseCommitBeforeTheOffsetCommit(TestKafka kafka)
            throws Exception {
        String prefix = "crash-after-";
        List<BatonEvent> before = stateChanges(prefix, 0, 500);
        List<BatonEvent> after = stateChanges(prefix, 500, 500);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        before.forEach(e -> records.add(record(kafka, e)));
        // Two undecodable records in the middle: the crash happens in the batch holding the first of them.
        records.add(new ProducerRecord<>(kafka.topic(Topic.ROLE_EVENTS), prefix + "g1", "garbage-1".getBytes(StandardCharsets.UTF_8)));
        records.add(new ProducerRecord<>(kafka.topic(Topic.CONFIG_EVENTS), prefix + "g2", "{\"type\":7}".getBytes(StandardCharsets.UTF_8)));
        after.forEach(e -> records.add(record(kafka, e)));
        CRASH.arm(CrashSwitch.Stage.AFTER_COMMIT, prefix);

        publishRecords(kafka, records);
        Await.until("the consumer crashes after a database commit", TIMEOUT,
                () -> service.consumer().state() == KafkaAuditConsumer.State.FAILED);
        List<StoredEvent> crashed = CRASH.crashedBatch();
        assertThat(count("SELECT count(*) FROM events WHERE event_id = ANY (?)", (Object) ids(crashed)))
                .as("the crashed batch is in the database").isEqualTo(crashed.size());

        restart();

        awaitCount("every event stored after the restart", 1002, "SELECT count(*) FROM events WHERE record_key LIKE ?", prefix + "%");
        assertThat(count("SELECT count(*) FROM events WHERE event_id = ANY (?)", (Object) ids(before, after))).isEqualTo(1000);
        assertThat(count("SELECT count(*) FROM events WHERE type = 'DeadLetter' AND record_key LIKE ?", prefix + "%"))
                .isEqualTo(2);
        Await.until("the redelivered batch is ignored", TIMEOUT,
                () -> service.metrics().duplicatesTotal() >= crashed.size());
        LOG.info("Crash after commit: batch of {} redelivered and ignored; {} duplicates seen by the restarted service",
                crashed.size(), service.metrics().duplicatesTotal());
    }

    @Test
    void shouldLoseNothingWhenKilledBeforeTheDatabaseCommit(TestKafka kafka) throws Exception {
        String prefix = "crash-before-";
        List<BatonEvent> events = stateChanges(prefix, 0, 600);
        CRASH.arm(CrashSwitch.Stage.BEFORE_COMMIT, prefix);

        publishAll(kafka, events);
        Await.until("the consumer crashes before a database commit", TIMEOUT,
                () -> service.consumer().state() == KafkaAuditConsumer.State.FAILED);
        assertThat(count("SELECT count(*) FROM events WHERE event_id = ANY (?)", (Object) ids(CRASH.crashedBatch())))
                .as("the crashed batch was rolled back").isZero();

        restart();

        awaitCount("every event stored after the restart", 600, "SELECT count(*) FROM events WHERE record_key LIKE ?", prefix + "%");
        assertThat(count("SELECT count(*) FROM events WHERE event_id = ANY (?)", (Object) ids(events))).isEqualTo(600);
    }

    @Test
    void shouldStoreABurstOfTenThousandEvents(TestKafka kafka) throws Exception {
        List<BatonEvent> events = stateChanges("burst-", 0, 10_000);
        double storedBefore = service.metrics().storedTotal();
        long started = System.nanoTime();
        publishAll(kafka, events);

        // The service's own counter, not count(*): polling a scan of the growing table would compete for the CPU.
        Await.until("the burst is stored", TIMEOUT, () -> service.metrics().storedTotal() >= storedBefore + 10_000);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(count("SELECT count(*) FROM events WHERE record_key LIKE 'burst-%'")).isEqualTo(10_000);
        LOG.info("Published and stored 10000 events in {} s: {} events/s end to end (batch size {})",
                String.format("%.2f", seconds), Math.round(10_000 / seconds), settings.batchSize());
    }

    private static List<BatonEvent> stateChanges(String prefix, int first, int count) {
        Instant now = Instant.now();
        return IntStream.range(first, first + count)
                .<BatonEvent>mapToObj(i -> Samples.state(prefix + (i % 50), "srv-" + (i % 3), i, RoleState.STARTING,
                        now.plusMillis(i)))
                .toList();
    }

    @SafeVarargs
    private static UUID[] ids(List<? extends Object>... lists) {
        List<UUID> ids = new ArrayList<>();
        for (List<?> list : lists) {
            for (Object item : list) {
                ids.add(item instanceof BatonEvent event ? event.eventId() : ((StoredEvent) item).eventId());
            }
        }
        return ids.toArray(UUID[]::new);
    }

    /** Throws in the first batch holding a record keyed with the armed prefix, at the armed stage. */
    static final class CrashSwitch implements IngestHooks {
        enum Stage { BEFORE_COMMIT, AFTER_COMMIT }

        private volatile Stage stage;
        private volatile String prefix;
        private final AtomicReference<List<StoredEvent>> crashed = new AtomicReference<>();

        void arm(Stage stage, String prefix) {
            crashed.set(null);
            this.prefix = prefix;
            this.stage = stage;
        }

        void disarm() {
            stage = null;
        }

        List<StoredEvent> crashedBatch() {
            return crashed.get();
        }

        @Override
        public void beforeDatabaseCommit(List<StoredEvent> batch) {
            maybeCrash(Stage.BEFORE_COMMIT, batch);
        }

        @Override
        public void afterDatabaseCommit(List<StoredEvent> batch) {
            maybeCrash(Stage.AFTER_COMMIT, batch);
        }

        private void maybeCrash(Stage at, List<StoredEvent> batch) {
            if (stage != at) {
                return;
            }
            boolean hit = at == Stage.AFTER_COMMIT
                    ? batch.stream().anyMatch(r -> r.type().equals("DeadLetter") && r.key() != null && r.key().startsWith(prefix))
                    : batch.stream().anyMatch(r -> r.key() != null && r.key().startsWith(prefix));
            if (hit) {
                stage = null;
                crashed.set(List.copyOf(batch));
                throw new IllegalStateException("simulated crash " + at + " in a batch of " + batch.size());
            }
        }
    }
}
