package dev.baton.placement.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.events.DatabaseRef;
import dev.baton.events.PluginSpec;
import dev.baton.events.ServerKind;
import dev.baton.placement.detector.ServerIdentity;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RoleStore} in PostgreSQL: tables {@code servers}, {@code roles} and {@code role_servers} in the schema
 * {@value #SCHEMA}, created by the Flyway migrations in {@code classpath:db/placement} ({@link #migrate}).
 *
 * <p>Every call takes a connection from the {@link DataSource} (a HikariCP pool in production) and runs in one
 * transaction. Updates are optimistic: {@code UPDATE ... WHERE version = expected}, so of two concurrent changes
 * based on the same version exactly one wins and the other gets {@link RoleStoreException.Conflict}. Connection
 * trouble surfaces as {@link RoleStoreException.Unavailable}. Thread-safe; blocking.
 */
public final class PostgresRoleStore implements RoleStore {
    /** The PostgreSQL schema holding the tables and Flyway's history table. */
    public static final String SCHEMA = "placement";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresRoleStore.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** A registration racing a concurrent first registration of the same server is retried this often. */
    private static final int REGISTER_ATTEMPTS = 3;
    /** SQLSTATE of a unique index violation. */
    private static final String UNIQUE_VIOLATION = "23505";

    private static final String SELECT_ROLES = """
            SELECT r.role_id, r.version, r.force_highest_priority, r.failback_delay_ms,
                   r.database_server, r.database_host, r.database_port, r.plugin::text AS plugin,
                   r.updated_by, r.updated_at, r.gateway_port,
                   r.in_flight_policy, r.replay_limit_bytes, r.failback_from_hour, r.failback_to_hour,
                   ARRAY(SELECT s.server_id FROM placement.role_servers s
                         WHERE s.role_id = r.role_id ORDER BY s.position) AS servers
              FROM placement.roles r
            """;
    private static final String SERVER_COLUMNS =
            "server_id, kind, host, first_seen_at, maintenance, maintenance_by, maintenance_since";

    private final DataSource dataSource;
    private final Clock clock;

    /** A store on {@code dataSource}, with maintenance times from the system clock. */
    public PostgresRoleStore(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    /** @param clock the time a server's maintenance starts at */
    public PostgresRoleStore(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Brings the schema to the current version (creating the schema {@value #SCHEMA} if needed); call once at
     * start-up, before the first store call. Returns the number of migrations applied.
     */
    public static int migrate(DataSource dataSource) {
        int applied = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/placement")
                .schemas(SCHEMA)
                .load()
                .migrate()
                .migrationsExecuted;
        LOG.info("Placement schema migrated ({} migrations applied)", applied);
        return applied;
    }

    @Override
    public List<RoleDefinition> roles() {
        return run("list roles", connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_ROLES + " ORDER BY r.role_id");
                 ResultSet rows = select.executeQuery()) {
                List<RoleDefinition> roles = new ArrayList<>();
                while (rows.next()) {
                    roles.add(role(rows));
                }
                return roles;
            }
        });
    }

    @Override
    public Optional<RoleDefinition> role(String roleId) {
        return run("read role " + roleId, connection -> readRole(connection, roleId));
    }

    private static Optional<RoleDefinition> readRole(Connection connection, String roleId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_ROLES + " WHERE r.role_id = ?")) {
            select.setString(1, roleId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(role(rows)) : Optional.empty();
            }
        }
    }

    @Override
    public List<ServerRecord> servers() {
        return run("list servers", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + SERVER_COLUMNS + " FROM placement.servers ORDER BY server_id");
                 ResultSet rows = select.executeQuery()) {
                List<ServerRecord> servers = new ArrayList<>();
                while (rows.next()) {
                    servers.add(server(rows));
                }
                return servers;
            }
        });
    }

    @Override
    public Optional<ServerRecord> server(String serverId) {
        return run("read server " + serverId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + SERVER_COLUMNS + " FROM placement.servers WHERE server_id = ?")) {
                select.setString(1, serverId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(server(rows)) : Optional.empty();
                }
            }
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Writes only when the server is new or its kind or host changed, so calling it for every heartbeat does
     * not rewrite the row (and does not contend with {@link #setMaintenance}).
     */
    @Override
    public ServerRecord registerServer(ServerIdentity identity, Instant seenAt) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(seenAt, "seenAt");
        // The statement's second half reads the existing row when the upsert changed nothing; a row inserted by a
        // concurrent first registration after the statement's snapshot is visible to the next attempt.
        String sql = """
                WITH upserted AS (
                    INSERT INTO placement.servers AS s (server_id, kind, host, first_seen_at)
                    VALUES (?, ?, ?, ?)
                    ON CONFLICT (server_id) DO UPDATE SET kind = EXCLUDED.kind, host = EXCLUDED.host
                     WHERE (s.kind, s.host) IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.host)
                    RETURNING %1$s)
                SELECT %1$s FROM upserted
                UNION ALL
                SELECT %1$s FROM placement.servers
                 WHERE server_id = ? AND NOT EXISTS (SELECT 1 FROM upserted)
                """.formatted(SERVER_COLUMNS);
        for (int attempt = 1; ; attempt++) {
            Optional<ServerRecord> stored = run("register server " + identity.serverId(), connection -> {
                try (PreparedStatement upsert = connection.prepareStatement(sql)) {
                    upsert.setString(1, identity.serverId());
                    upsert.setString(2, identity.kind().name());
                    upsert.setString(3, identity.host());
                    upsert.setObject(4, timestamp(seenAt));
                    upsert.setString(5, identity.serverId());
                    try (ResultSet rows = upsert.executeQuery()) {
                        return rows.next() ? Optional.of(server(rows)) : Optional.<ServerRecord>empty();
                    }
                }
            });
            if (stored.isPresent()) {
                return stored.get();
            }
            if (attempt == REGISTER_ATTEMPTS) {
                throw new IllegalStateException("server " + identity.serverId() + " could not be registered: "
                        + "neither inserted nor found after " + attempt + " attempts");
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Two statements whatever the number of servers: one upsert of all of them (writing only rows that are new
     * or whose kind or host changed, as {@link #registerServer}) and one read of the stored rows, in one
     * transaction, so one commit. A concurrent registration of the same server waits for this one's row lock and
     * then updates or leaves the row, so no retry is needed.
     */
    @Override
    public List<ServerRecord> registerServers(List<Sighting> sightings) {
        Map<String, Sighting> last = new TreeMap<>();
        for (Sighting sighting : sightings) {
            Objects.requireNonNull(sighting.identity(), "identity");
            Objects.requireNonNull(sighting.seenAt(), "seenAt");
            last.put(sighting.identity().serverId(), sighting);
        }
        if (last.isEmpty()) {
            return List.of();
        }
        String[] ids = last.keySet().toArray(String[]::new);
        String[] kinds = last.values().stream().map(s -> s.identity().kind().name()).toArray(String[]::new);
        String[] hosts = last.values().stream().map(s -> s.identity().host()).toArray(String[]::new);
        String[] seen = last.values().stream().map(s -> s.seenAt().truncatedTo(ChronoUnit.MICROS).toString())
                .toArray(String[]::new);
        String upsertSql = """
                INSERT INTO placement.servers AS s (server_id, kind, host, first_seen_at)
                SELECT id, kind, host, seen::timestamptz
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS u (id, kind, host, seen)
                ON CONFLICT (server_id) DO UPDATE SET kind = EXCLUDED.kind, host = EXCLUDED.host
                 WHERE (s.kind, s.host) IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.host)
                """;
        String selectSql = "SELECT " + SERVER_COLUMNS
                + " FROM placement.servers WHERE server_id = ANY (?) ORDER BY server_id";
        return run("register " + ids.length + " servers", connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(upsertSql)) {
                upsert.setArray(1, connection.createArrayOf("text", ids));
                upsert.setArray(2, connection.createArrayOf("text", kinds));
                upsert.setArray(3, connection.createArrayOf("text", hosts));
                upsert.setArray(4, connection.createArrayOf("text", seen));
                upsert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(selectSql)) {
                select.setArray(1, connection.createArrayOf("text", ids));
                try (ResultSet rows = select.executeQuery()) {
                    List<ServerRecord> stored = new ArrayList<>(ids.length);
                    while (rows.next()) {
                        stored.add(server(rows));
                    }
                    return stored;
                }
            }
        });
    }

    @Override
    public Optional<ServerRecord> setMaintenance(String serverId, boolean maintenance, String by) {
        Objects.requireNonNull(serverId, "serverId");
        if (maintenance) {
            Objects.requireNonNull(by, "by");
        }
        // Asking again for maintenance keeps who started it and since when; ending it clears both.
        String sql = """
                UPDATE placement.servers
                   SET maintenance = ?,
                       maintenance_by = CASE WHEN ? THEN COALESCE(maintenance_by, ?) END,
                       maintenance_since = CASE WHEN ? THEN COALESCE(maintenance_since, ?) END
                 WHERE server_id = ?
                RETURNING %s
                """.formatted(SERVER_COLUMNS);
        return run("set maintenance of server " + serverId, connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                update.setBoolean(1, maintenance);
                update.setBoolean(2, maintenance);
                update.setString(3, by);
                update.setBoolean(4, maintenance);
                update.setObject(5, timestamp(clock.instant()));
                update.setString(6, serverId);
                try (ResultSet rows = update.executeQuery()) {
                    return rows.next() ? Optional.of(server(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public RoleDefinition create(RoleDefinition role) {
        RoleDefinition stored = normalized(role, 1);
        return run("create role " + role.roleId(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO placement.roles (role_id, version, force_highest_priority, failback_delay_ms,
                                                 database_server, database_host, database_port, plugin,
                                                 updated_by, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
                    ON CONFLICT (role_id) DO NOTHING
                    """)) {
                insert.setString(1, stored.roleId());
                insert.setLong(2, stored.version());
                bindConfig(insert, 3, stored);
                if (insert.executeUpdate() == 0) {
                    throw new RoleStoreException.Conflict("role " + stored.roleId() + " exists already");
                }
            }
            setGatewayPort(connection, stored);
            RoleOptionColumns.store(connection, stored);
            insertServers(connection, stored);
            return stored;
        });
    }

    @Override
    public RoleDefinition update(RoleDefinition role) {
        if (role.version() < 2) {
            throw new IllegalArgumentException("an update of role " + role.roleId()
                    + " must carry the stored version + 1 (at least 2), was " + role.version());
        }
        RoleDefinition stored = normalized(role, role.version());
        long expected = role.version() - 1;
        return run("update role " + role.roleId(), connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE placement.roles
                       SET version = ?, force_highest_priority = ?, failback_delay_ms = ?,
                           database_server = ?, database_host = ?, database_port = ?, plugin = ?::jsonb,
                           updated_by = ?, updated_at = ?
                     WHERE role_id = ? AND version = ?
                    """)) {
                update.setLong(1, stored.version());
                bindConfig(update, 2, stored);
                update.setString(10, stored.roleId());
                update.setLong(11, expected);
                if (update.executeUpdate() == 0) {
                    throw missingOrChanged(connection, stored.roleId(), expected);
                }
            }
            setGatewayPort(connection, stored);
            RoleOptionColumns.store(connection, stored);
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM placement.role_servers WHERE role_id = ?")) {
                delete.setString(1, stored.roleId());
                delete.executeUpdate();
            }
            insertServers(connection, stored);
            return stored;
        });
    }

    @Override
    public RoleDefinition delete(String roleId, long version) {
        return run("delete role " + roleId, connection -> {
            RoleDefinition current = readRole(connection, roleId)
                    .orElseThrow(() -> new RoleStoreException.NotFound("no role " + roleId));
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM placement.roles WHERE role_id = ? AND version = ?")) {
                delete.setString(1, roleId);
                delete.setLong(2, version);
                if (delete.executeUpdate() == 0) {
                    throw missingOrChanged(connection, roleId, version);
                }
            }
            return current;
        });
    }

    private static RoleStoreException missingOrChanged(Connection connection, String roleId, long expected)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT version FROM placement.roles WHERE role_id = ?")) {
            select.setString(1, roleId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return new RoleStoreException.NotFound("no role " + roleId);
                }
                return new RoleStoreException.Conflict("role " + roleId + " changed since it was read: it is at version "
                        + rows.getLong(1) + ", the change was based on version " + expected);
            }
        }
    }

    /** The definition as it will read back: the given version, and a time PostgreSQL can hold exactly. */
    private static RoleDefinition normalized(RoleDefinition role, long version) {
        Set<String> seen = new HashSet<>();
        for (String serverId : role.servers()) {
            if (!seen.add(serverId)) {
                throw new IllegalArgumentException("role " + role.roleId() + " lists server " + serverId + " twice");
            }
        }
        return role.stamped(version, role.updatedBy(), role.updatedAt().truncatedTo(ChronoUnit.MICROS));
    }

    /** Binds force_highest_priority ... updated_at (8 parameters) from {@code first}. */
    private static void bindConfig(PreparedStatement statement, int first, RoleDefinition role) throws SQLException {
        statement.setBoolean(first, role.forceHighestPriority());
        statement.setLong(first + 1, role.failbackDelay().toMillis());
        DatabaseRef database = role.database();
        statement.setString(first + 2, database == null ? null : database.server());
        statement.setString(first + 3, database == null ? null : database.host());
        if (database == null) {
            statement.setNull(first + 4, Types.INTEGER);
        } else {
            statement.setInt(first + 4, database.port());
        }
        statement.setString(first + 5, role.plugin() == null ? null : pluginJson(role.plugin()));
        statement.setString(first + 6, role.updatedBy());
        statement.setObject(first + 7, timestamp(role.updatedAt()));
    }

    /**
     * Stores the role's gateway port. A port another role has is a conflict naming that role; the unique index
     * catches the race of two roles taking the same port at once.
     */
    private static void setGatewayPort(Connection connection, RoleDefinition role) throws SQLException {
        Integer port = role.gatewayPort();
        if (port != null) {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT role_id FROM placement.roles WHERE gateway_port = ? AND role_id <> ?")) {
                select.setInt(1, port);
                select.setString(2, role.roleId());
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        throw gatewayPortTaken(port, "role " + rows.getString(1));
                    }
                }
            }
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE placement.roles SET gateway_port = ? WHERE role_id = ?")) {
            if (port == null) {
                update.setNull(1, Types.INTEGER);
            } else {
                update.setInt(1, port);
            }
            update.setString(2, role.roleId());
            update.executeUpdate();
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw gatewayPortTaken(port, "another role changed at the same moment");
            }
            throw e;
        }
    }

    private static RoleStoreException gatewayPortTaken(Integer port, String holder) {
        return new RoleStoreException.Conflict("gateway port " + port + " is already the gateway port of " + holder
                + ": a gateway port belongs to one role");
    }

    private static void insertServers(Connection connection, RoleDefinition role) throws SQLException {
        if (role.servers().isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO placement.role_servers (role_id, position, server_id) VALUES (?, ?, ?)")) {
            for (int position = 0; position < role.servers().size(); position++) {
                insert.setString(1, role.roleId());
                insert.setInt(2, position);
                insert.setString(3, role.servers().get(position));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static RoleDefinition role(ResultSet row) throws SQLException {
        String roleId = row.getString("role_id");
        String databaseServer = row.getString("database_server");
        DatabaseRef database = databaseServer == null ? null
                : new DatabaseRef(databaseServer, row.getString("database_host"), row.getInt("database_port"));
        String plugin = row.getString("plugin");
        Array servers = row.getArray("servers");
        List<String> serverIds = List.of((String[]) servers.getArray());
        servers.free();
        return new RoleDefinition(
                roleId,
                row.getLong("version"),
                serverIds,
                row.getBoolean("force_highest_priority"),
                Duration.ofMillis(row.getLong("failback_delay_ms")),
                database,
                plugin == null ? null : plugin(roleId, plugin),
                row.getString("updated_by"),
                instant(row, "updated_at"),
                row.getObject("gateway_port", Integer.class),
                RoleOptionColumns.inFlight(row),
                RoleOptionColumns.failbackWindow(row));
    }

    private static ServerRecord server(ResultSet row) throws SQLException {
        return new ServerRecord(
                row.getString("server_id"),
                ServerKind.valueOf(row.getString("kind")),
                row.getString("host"),
                instant(row, "first_seen_at"),
                row.getBoolean("maintenance"),
                row.getString("maintenance_by"),
                instant(row, "maintenance_since"));
    }

    static String pluginJson(PluginSpec plugin) {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", plugin.kind());
        plugin.command().forEach(node.putArray("command")::add);
        ObjectNode environment = node.putObject("environment");
        plugin.environment().forEach(environment::put);
        if (plugin.port() != null) {
            node.put("port", plugin.port());
        }
        return node.toString();
    }

    static PluginSpec plugin(String roleId, String json) {
        try {
            JsonNode node = JSON.readTree(json);
            List<String> command = new ArrayList<>();
            node.path("command").forEach(argument -> command.add(argument.asText()));
            Map<String, String> environment = new LinkedHashMap<>();
            node.path("environment").properties().forEach(e -> environment.put(e.getKey(), e.getValue().asText()));
            JsonNode port = node.get("port");
            return new PluginSpec(node.path("kind").asText(), command, environment,
                    port == null || port.isNull() ? null : port.asInt());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("the stored plugin of role " + roleId + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** PostgreSQL keeps microseconds and rounds the rest: truncate, so that what is written is what reads back. */
    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** A unit of work on one connection; SQL exceptions are translated by {@link #run}. */
    @FunctionalInterface
    private interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    private <T> T run(String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.on(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    /**
     * Failures the same call may survive later (no connection, pool exhausted, server shutting down or out of
     * resources, serialization failure or deadlock) become {@link RoleStoreException.Unavailable}; anything else
     * is a bug or a broken schema and stays an {@link IllegalStateException}.
     */
    static RuntimeException translate(String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean retriable = e instanceof SQLTransientException
                || state.startsWith("08") // connection exception
                || state.startsWith("53") // insufficient resources
                || state.startsWith("57P") // operator intervention: shutdown, cannot connect now
                || state.equals("40001") || state.equals("40P01"); // serialization failure, deadlock
        String message = "placement store: cannot " + what + ": " + e.getMessage();
        return retriable ? new RoleStoreException.Unavailable(message, e) : new IllegalStateException(message, e);
    }
}
