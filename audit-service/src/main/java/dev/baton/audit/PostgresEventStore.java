package dev.baton.audit;

import dev.baton.audit.ingest.EventRows;
import dev.baton.audit.ingest.FailureKind;
import dev.baton.audit.ingest.StoredEvent;
import dev.baton.audit.query.Cursor;
import dev.baton.audit.query.EventQuery;
import dev.baton.audit.query.FailoverQuery;
import dev.baton.audit.query.FailoverTimeline;
import dev.baton.audit.query.Page;
import dev.baton.audit.query.StoredEventView;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit store in PostgreSQL: the Flyway schema ({@code db/audit}), the idempotent batch insert and the
 * queries of the API. Every call blocks: call it from the consumer thread or a worker, never an event loop.
 *
 * <p>A batch is one transaction: the ids already stored are looked up, then the new rows go in by {@code COPY}
 * (see {@link #store}). When PostgreSQL refuses the data, the batch is stored row by row with {@code INSERT ...
 * ON CONFLICT (event_id) DO NOTHING RETURNING type}. Either way the result says exactly which rows were new, so
 * duplicates are counted and the metrics are exact. Every query value is a bound parameter; only constant SQL
 * fragments are chosen by which filters are present.
 */
public final class PostgresEventStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresEventStore.class);

    private static final String INSERT = "INSERT INTO events (event_id, topic, kafka_partition, kafka_offset, record_key,"
            + " type, role_id, server_id, epoch, occurred_at, payload)"
            + " SELECT * FROM unnest(?::uuid[], ?::text[], ?::integer[], ?::bigint[], ?::text[], ?::text[], ?::text[],"
            + " ?::text[], ?::bigint[], ?::timestamptz[], ?::jsonb[])"
            + " ON CONFLICT (event_id) DO NOTHING RETURNING type";
    private static final String BATCH_COLUMNS = "event_id, topic, kafka_partition, kafka_offset, record_key, type,"
            + " role_id, server_id, epoch, occurred_at, payload";
    private static final String STORED_IDS = "SELECT event_id FROM events WHERE event_id = ANY (?)";
    private static final String COPY_EVENTS = "COPY events (" + BATCH_COLUMNS + ") FROM STDIN";
    private static final String EVENT_COLUMNS = "event_id, type, topic, kafka_partition, kafka_offset, record_key,"
            + " role_id, server_id, epoch, occurred_at, recorded_at, payload::text AS payload";
    private static final String FAILOVER_COLUMNS = "move_event_id, role_id, epoch, from_server, to_server, reason, cause,"
            + " moved_at, server_down_detected_at, drain_started_at, gateways_drained, drain_wait_ms, decided_at, running_at, clients_reconnected_at, connections_moved,"
            + " connections_idle, connections_replayed, connections_closed_awaiting, connections_drained, drain_ms,"
            + " detect_to_decide_ms, decide_to_running_ms, running_to_reconnected_ms, total_ms";

    private final DataSource dataSource;

    public PostgresEventStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Brings the schema to the current version; returns the number of migrations applied. */
    public static int migrate(DataSource dataSource) {
        int applied = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/audit")
                .load()
                .migrate()
                .migrationsExecuted;
        LOG.info("Audit schema migrated ({} migrations applied)", applied);
        return applied;
    }

    /** What a batch did: the rows that were new, by type, and how many were already stored. */
    public record StoreResult(Map<String, Integer> insertedByType, int duplicates, int refused) {
        public int inserted() {
            return insertedByType.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * Stores {@code rows} in one transaction, ignoring ids already stored. When PostgreSQL refuses the data of
     * a row ({@link FailureKind#DATA}), the batch is redone row by row and each refused row is replaced by the
     * dead letter {@code rows} makes of it, so one bad event neither blocks nor loses the others.
     *
     * @param beforeCommit runs after the inserts and before the commit (a test crashes there)
     * @throws SQLException when the batch could not be stored; nothing of it is committed
     */
    public StoreResult store(List<StoredEvent> rows, EventRows deadLetters, Runnable beforeCommit) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Map<String, Integer> inserted = new LinkedHashMap<>();
                int refused = 0;
                try {
                    copyInsert(connection, rows, inserted);
                } catch (SQLException e) {
                    if (FailureKind.of(e.getSQLState()) != FailureKind.DATA) {
                        throw e;
                    }
                    connection.rollback();
                    inserted.clear();
                    LOG.warn("PostgreSQL refused a batch of {} events ({}: {}); storing them one by one",
                            rows.size(), e.getSQLState(), firstLine(e));
                    refused = insertOneByOne(connection, rows, deadLetters, inserted);
                }
                beforeCommit.run();
                connection.commit();
                int total = inserted.values().stream().mapToInt(Integer::intValue).sum();
                return new StoreResult(Map.copyOf(inserted), rows.size() - total, refused);
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(connection);
                throw e;
            }
        }
    }

    private int insertOneByOne(Connection connection, List<StoredEvent> rows, EventRows deadLetters,
            Map<String, Integer> inserted) throws SQLException {
        int refused = 0;
        for (StoredEvent row : rows) {
            Savepoint savepoint = connection.setSavepoint();
            try {
                insert(connection, List.of(row), inserted);
                connection.releaseSavepoint(savepoint);
            } catch (SQLException e) {
                if (FailureKind.of(e.getSQLState()) != FailureKind.DATA) {
                    throw e;
                }
                connection.rollback(savepoint);
                refused++;
                String reason = e.getSQLState() + " " + firstLine(e);
                LOG.warn("PostgreSQL refused event {} from {}-{}@{} ({}); storing it as a dead letter",
                        row.eventId(), row.topic(), row.partition(), row.offset(), reason);
                insert(connection, List.of(deadLetters.refused(row, reason)), inserted);
            }
        }
        return refused;
    }

    /**
     * The batch through {@code COPY} straight into {@code events}, minus the ids already stored: one look-up of the
     * batch's ids in the primary key, then COPY of the new rows (an id twice in the batch goes once). COPY writes
     * rows page by page, the cheapest way into the table, but has no {@code ON CONFLICT}: a row another writer
     * stores between the look-up and the COPY (two instances during a rebalance) makes the COPY fail with a unique
     * violation, a data error, and the caller then stores the batch row by row with {@code ON CONFLICT DO
     * NOTHING}. The rows new to the store are counted here, by type.
     */
    private static void copyInsert(Connection connection, List<StoredEvent> rows, Map<String, Integer> inserted)
            throws SQLException {
        Set<UUID> skip = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(STORED_IDS)) {
            statement.setArray(1, connection.createArrayOf("uuid",
                    rows.stream().map(StoredEvent::eventId).toArray(UUID[]::new)));
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    skip.add(result.getObject(1, UUID.class));
                }
            }
        }
        StringBuilder text = new StringBuilder(rows.size() * 640);
        Map<String, Integer> copied = new LinkedHashMap<>();
        for (StoredEvent row : rows) {
            if (!skip.add(row.eventId())) {
                continue;
            }
            copied.merge(row.type(), 1, Integer::sum);
            text.append(row.eventId()).append('\t');
            copyField(text, row.topic());
            text.append(row.partition()).append('\t').append(row.offset()).append('\t');
            copyField(text, row.key());
            copyField(text, row.type());
            copyField(text, row.roleId());
            copyField(text, row.serverId());
            text.append(row.epoch() == null ? "\\N" : row.epoch().toString()).append('\t');
            // ISO-8601 with 'Z': read the same whatever the session's time zone.
            text.append(row.occurredAt()).append('\t');
            copyEscaped(text, row.payload());
            text.append('\n');
        }
        if (copied.isEmpty()) {
            return;
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        try {
            connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn(COPY_EVENTS, new ByteArrayInputStream(bytes), 1 << 16);
        } catch (IOException e) {
            throw new SQLException("cannot read the batch's own bytes", "08000", e);
        }
        copied.forEach((type, n) -> inserted.merge(type, n, Integer::sum));
    }

    private static void copyField(StringBuilder text, String value) {
        if (value == null) {
            text.append("\\N");
        } else {
            copyEscaped(text, value);
        }
        text.append('\t');
    }

    /** {@code value} in COPY's text format: backslash, tab, newline and carriage return escaped. */
    private static void copyEscaped(StringBuilder text, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(c);
            }
        }
    }

    private static void insert(Connection connection, List<StoredEvent> rows, Map<String, Integer> inserted)
            throws SQLException {
        int n = rows.size();
        String[] ids = new String[n];
        String[] topics = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        String[] keys = new String[n];
        String[] types = new String[n];
        String[] roles = new String[n];
        String[] servers = new String[n];
        Long[] epochs = new Long[n];
        String[] occurred = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            StoredEvent row = rows.get(i);
            ids[i] = row.eventId().toString();
            topics[i] = row.topic();
            partitions[i] = row.partition();
            offsets[i] = row.offset();
            keys[i] = row.key();
            types[i] = row.type();
            roles[i] = row.roleId();
            servers[i] = row.serverId();
            epochs[i] = row.epoch();
            // ISO-8601 with 'Z': read the same whatever the session's time zone.
            occurred[i] = row.occurredAt().toString();
            payloads[i] = row.payload();
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            List<Array> arrays = List.of(
                    connection.createArrayOf("text", ids),
                    connection.createArrayOf("text", topics),
                    connection.createArrayOf("int4", partitions),
                    connection.createArrayOf("int8", offsets),
                    connection.createArrayOf("text", keys),
                    connection.createArrayOf("text", types),
                    connection.createArrayOf("text", roles),
                    connection.createArrayOf("text", servers),
                    connection.createArrayOf("int8", epochs),
                    connection.createArrayOf("text", occurred),
                    connection.createArrayOf("text", payloads));
            for (int i = 0; i < arrays.size(); i++) {
                statement.setArray(i + 1, arrays.get(i));
            }
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    inserted.merge(result.getString(1), 1, Integer::sum);
                }
            }
        }
    }

    /** A page of events matching {@code query}, in {@code (occurred_at, event_id)} order. */
    public Page<StoredEventView> findEvents(EventQuery query) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(EVENT_COLUMNS).append(" FROM events WHERE true");
        List<Binder> params = new ArrayList<>();
        if (!query.types().isEmpty()) {
            sql.append(" AND type = ANY (?)");
            params.add((c, s, i) -> s.setArray(i, c.createArrayOf("text", query.types().toArray(String[]::new))));
        }
        if (query.roleId() != null) {
            sql.append(" AND role_id = ?");
            params.add((c, s, i) -> s.setString(i, query.roleId()));
        }
        if (query.serverId() != null) {
            sql.append(" AND server_id = ?");
            params.add((c, s, i) -> s.setString(i, query.serverId()));
        }
        if (query.epoch() != null) {
            sql.append(" AND epoch = ?");
            params.add((c, s, i) -> s.setLong(i, query.epoch()));
        }
        appendRangeAndCursor(sql, params, "occurred_at", "event_id", query.from(), query.to(), query.after());
        sql.append(" ORDER BY occurred_at, event_id LIMIT ?");
        params.add((c, s, i) -> s.setInt(i, query.limit() + 1));
        List<StoredEventView> rows = select(sql.toString(), params, PostgresEventStore::eventView);
        return page(rows, query.limit(), last -> new Cursor(last.occurredAt(), last.eventId()));
    }

    /** A page of failover timelines matching {@code query}, in {@code (moved_at, move_event_id)} order. */
    public Page<FailoverTimeline> findFailovers(FailoverQuery query) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(FAILOVER_COLUMNS)
                .append(" FROM failover_timeline WHERE true");
        List<Binder> params = new ArrayList<>();
        if (query.roleId() != null) {
            sql.append(" AND role_id = ?");
            params.add((c, s, i) -> s.setString(i, query.roleId()));
        }
        if (query.reason() != null) {
            sql.append(" AND reason = ?");
            params.add((c, s, i) -> s.setString(i, query.reason()));
        }
        appendRangeAndCursor(sql, params, "moved_at", "move_event_id", query.from(), query.to(), query.after());
        sql.append(" ORDER BY moved_at, move_event_id LIMIT ?");
        params.add((c, s, i) -> s.setInt(i, query.limit() + 1));
        List<FailoverTimeline> rows = select(sql.toString(), params, PostgresEventStore::failover);
        return page(rows, query.limit(), last -> new Cursor(last.movedAt(), last.moveEventId()));
    }

    /** How many events are stored; for tests and the start-up log. */
    public long count() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM events");
             ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    private static void appendRangeAndCursor(StringBuilder sql, List<Binder> params, String timeColumn, String idColumn,
            Instant from, Instant to, Cursor after) {
        if (from != null) {
            sql.append(" AND ").append(timeColumn).append(" >= ?");
            params.add((c, s, i) -> s.setObject(i, utc(from)));
        }
        if (to != null) {
            sql.append(" AND ").append(timeColumn).append(" < ?");
            params.add((c, s, i) -> s.setObject(i, utc(to)));
        }
        if (after != null) {
            // A row comparison: served by the (time, id) indexes, and exact where several rows share an instant.
            sql.append(" AND (").append(timeColumn).append(", ").append(idColumn).append(") > (?, ?)");
            params.add((c, s, i) -> s.setObject(i, utc(after.at())));
            params.add((c, s, i) -> s.setObject(i, after.id()));
        }
    }

    private static <T> Page<T> page(List<T> rows, int limit, java.util.function.Function<T, Cursor> cursorOf) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> shown = rows.subList(0, limit);
        return new Page<>(shown, cursorOf.apply(shown.get(limit - 1)));
    }

    private <T> List<T> select(String sql, List<Binder> params, RowReader<T> reader) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                params.get(i).bind(connection, statement, i + 1);
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(reader.read(result));
                }
            }
            return rows;
        }
    }

    private static StoredEventView eventView(ResultSet r) throws SQLException {
        return new StoredEventView(
                r.getObject("event_id", UUID.class),
                r.getString("type"),
                r.getString("topic"),
                r.getInt("kafka_partition"),
                r.getLong("kafka_offset"),
                r.getString("record_key"),
                r.getString("role_id"),
                r.getString("server_id"),
                nullableLong(r, "epoch"),
                instant(r, "occurred_at"),
                instant(r, "recorded_at"),
                r.getString("payload"));
    }

    private static FailoverTimeline failover(ResultSet r) throws SQLException {
        return new FailoverTimeline(
                r.getObject("move_event_id", UUID.class),
                r.getString("role_id"),
                r.getLong("epoch"),
                r.getString("from_server"),
                r.getString("to_server"),
                r.getString("reason"),
                r.getString("cause"),
                instant(r, "moved_at"),
                instant(r, "server_down_detected_at"),
                instant(r, "drain_started_at"),
                nullableLong(r, "gateways_drained"),
                nullableLong(r, "drain_wait_ms"),
                instant(r, "decided_at"),
                instant(r, "running_at"),
                instant(r, "clients_reconnected_at"),
                nullableLong(r, "connections_moved"),
                nullableLong(r, "connections_idle"),
                nullableLong(r, "connections_replayed"),
                nullableLong(r, "connections_closed_awaiting"),
                nullableLong(r, "connections_drained"),
                nullableLong(r, "drain_ms"),
                nullableLong(r, "detect_to_decide_ms"),
                nullableLong(r, "decide_to_running_ms"),
                nullableLong(r, "running_to_reconnected_ms"),
                nullableLong(r, "total_ms"));
    }

    private static Long nullableLong(ResultSet r, String column) throws SQLException {
        long value = r.getLong(column);
        return r.wasNull() ? null : value;
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        OffsetDateTime value = r.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            if (!connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            LOG.debug("rollback after a failed batch failed too: {}", e.toString());
        }
    }

    static String firstLine(SQLException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() <= 300 ? line : line.substring(0, 300) + "…";
    }

    @FunctionalInterface
    private interface Binder {
        void bind(Connection connection, PreparedStatement statement, int index) throws SQLException;
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet result) throws SQLException;
    }
}
