package dev.baton.placement.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.events.DatabaseRef;
import dev.baton.events.FailbackWindow;
import dev.baton.events.InFlightConfig;
import dev.baton.events.PluginSpec;
import dev.baton.events.ServerKind;
import dev.baton.placement.detector.ServerIdentity;
import dev.baton.testkit.FreePorts;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

@ExtendWith(PostgresExtension.class)
class PostgresRoleStoreIT {
    private static final Instant T0 = Instant.parse("2025-03-14T09:26:53.123456789Z");
    private static final Instant MAINTENANCE_AT = Instant.parse("2025-03-14T10:00:00Z");
    private static HikariDataSource dataSource;
    private static PostgresRoleStore store;
    private static TestDatabase database;

    @BeforeAll
    static void migrate(TestDatabase testDatabase) {
        database = testDatabase;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(testDatabase.jdbcUrl());
        config.setUsername(testDatabase.username());
        config.setPassword(testDatabase.password());
        config.setMaximumPoolSize(8);
        dataSource = new HikariDataSource(config);
        assertThat(PostgresRoleStore.migrate(dataSource)).isEqualTo(3);
        store = new PostgresRoleStore(dataSource, Clock.fixed(MAINTENANCE_AT, ZoneOffset.UTC));
    }

    @AfterAll
    static void close() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    private static RoleDefinition role(String roleId, long version, List<String> servers) {
        return new RoleDefinition(roleId, version, servers, true, Duration.ofSeconds(60),
                new DatabaseRef("DB1\\SQLEXPRESS", "db1.corp.example", 1433),
                new PluginSpec("command", List.of("/opt/run", "{port}"), Map.of("LOG_LEVEL", "info"), 47001),
                "alice", T0, null);
    }

    @Test
    void shouldMigrateIntoItsOwnSchemaAndDoNothingTheSecondTime() throws SQLException {
        assertThat(PostgresRoleStore.migrate(dataSource)).isZero();

        try (Connection connection = dataSource.getConnection();
             ResultSet tables = connection.createStatement().executeQuery(
                     "SELECT table_name FROM information_schema.tables WHERE table_schema = 'placement' ORDER BY 1")) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            assertThat(names).containsExactly("flyway_schema_history", "role_servers", "roles", "servers");
        }
    }

    @Test
    void shouldStoreANewRoleAtVersion1AndReadItBackAsStored() {
        RoleDefinition created = store.create(role("create-1", 7, List.of("srv-b", "srv-a", "srv-c")));

        assertThat(created.version()).isEqualTo(1);
        assertThat(created.updatedAt()).isEqualTo(Instant.parse("2025-03-14T09:26:53.123456Z"));
        assertThat(store.role("create-1")).contains(created);
        assertThat(created.servers()).containsExactly("srv-b", "srv-a", "srv-c");
    }

    @Test
    void shouldStoreARoleWithoutDatabaseOrPlugin() {
        RoleDefinition bare = new RoleDefinition("bare-1", 1, List.of("srv-a"), false, Duration.ZERO, null, null,
                "alice", T0, null);

        store.create(bare);

        RoleDefinition read = store.role("bare-1").orElseThrow();
        assertThat(read.database()).isNull();
        assertThat(read.plugin()).isNull();
        assertThat(read.failbackDelay()).isZero();
    }

    @Test
    void shouldStoreAGatewayPortAndRefuseItToASecondRole() {
        RoleDefinition first = new RoleDefinition("port-1", 1, List.of("srv-a"), false, Duration.ZERO, null, null,
                "alice", T0, 7201);
        RoleDefinition second = new RoleDefinition("port-2", 1, List.of("srv-a"), false, Duration.ZERO, null, null,
                "alice", T0, 7201);

        store.create(first);

        assertThat(store.role("port-1").orElseThrow().gatewayPort()).isEqualTo(7201);
        assertThatThrownBy(() -> store.create(second))
                .isInstanceOf(RoleStoreException.Conflict.class)
                .hasMessage("gateway port 7201 is already the gateway port of role port-1: a gateway port belongs to "
                        + "one role");
        assertThat(store.role("port-2")).isEmpty();
    }

    @Test
    void shouldStoreTheInFlightPolicyAndFailbackWindowAndClearThem() {
        RoleDefinition tuned = role("tuned-1", 1, List.of("srv-a")).withInFlight(new InFlightConfig("replay", 2048))
                .withFailback(true, Duration.ofSeconds(5), new FailbackWindow(22, 6));

        RoleDefinition created = store.create(tuned);
        RoleDefinition cleared = store.update(created.withInFlight(null).withFailback(true, Duration.ZERO, null)
                .stamped(2, "bob", T0));

        assertThat(created.inFlight()).isEqualTo(new InFlightConfig("replay", 2048));
        assertThat(store.role("tuned-1").orElseThrow().version()).isEqualTo(2);
        assertThat(cleared.inFlight()).isNull();
        assertThat(store.role("tuned-1")).contains(cleared);
        store.update(cleared.withInFlight(new InFlightConfig("close", null)).stamped(3, "bob", T0));
        assertThat(store.role("tuned-1").orElseThrow().inFlight()).isEqualTo(new InFlightConfig("close", null));
    }

    @Test
    void shouldDeleteARoleOnlyAtItsVersion() {
        store.create(role("delete-1", 1, List.of("srv-a", "srv-b")));

        assertThatThrownBy(() -> store.delete("delete-1", 2))
                .isInstanceOf(RoleStoreException.Conflict.class)
                .hasMessage("role delete-1 changed since it was read: it is at version 1, the change was based on "
                        + "version 2");
        assertThat(store.delete("delete-1", 1).servers()).containsExactly("srv-a", "srv-b");
        assertThat(store.role("delete-1")).isEmpty();
        assertThatThrownBy(() -> store.delete("delete-1", 1)).isInstanceOf(RoleStoreException.NotFound.class);
        assertThat(store.create(role("delete-1", 1, List.of("srv-c"))).servers())
                .as("created again, with a list of its own").containsExactly("srv-c");
    }

    @Test
    void shouldRefuseToCreateARoleTwice() {
        store.create(role("dup-1", 1, List.of("srv-a")));

        assertThatThrownBy(() -> store.create(role("dup-1", 1, List.of("srv-b"))))
                .isInstanceOf(RoleStoreException.Conflict.class)
                .hasMessage("role dup-1 exists already");
        assertThat(store.role("dup-1").orElseThrow().servers()).containsExactly("srv-a");
    }

    @Test
    void shouldListRolesByIdBytewise() {
        store.create(role("order-b", 1, List.of("srv-a")));
        store.create(role("order-B", 1, List.of("srv-a")));
        store.create(role("order-a", 1, List.of("srv-a")));

        List<String> ids = store.roles().stream().map(RoleDefinition::roleId)
                .filter(id -> id.startsWith("order-")).toList();

        assertThat(ids).containsExactly("order-B", "order-a", "order-b");
    }

    @Test
    void shouldKeepTheServerOrderAcrossUpdates() throws SQLException {
        store.create(role("ordering-1", 1, List.of("srv-a", "srv-b", "srv-c")));

        store.update(role("ordering-1", 2, List.of("srv-c", "srv-a", "srv-b")));
        RoleDefinition shrunk = store.update(role("ordering-1", 3, List.of("srv-b", "srv-d")));

        assertThat(store.role("ordering-1")).contains(shrunk);
        assertThat(shrunk.version()).isEqualTo(3);
        try (Connection connection = dataSource.getConnection();
             ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT position, server_id FROM placement.role_servers WHERE role_id = 'ordering-1' ORDER BY 1")) {
            List<String> positions = new ArrayList<>();
            while (rows.next()) {
                positions.add(rows.getInt(1) + ":" + rows.getString(2));
            }
            assertThat(positions).containsExactly("0:srv-b", "1:srv-d");
        }
    }

    @Test
    void shouldRefuseAnUpdateBasedOnAnOldVersion() {
        store.create(role("conflict-1", 1, List.of("srv-a")));
        store.update(role("conflict-1", 2, List.of("srv-a", "srv-b")));

        assertThatThrownBy(() -> store.update(role("conflict-1", 2, List.of("srv-c"))))
                .isInstanceOf(RoleStoreException.Conflict.class)
                .hasMessage("role conflict-1 changed since it was read: it is at version 2, the change was based on "
                        + "version 1");
        assertThat(store.role("conflict-1").orElseThrow().servers()).containsExactly("srv-a", "srv-b");
    }

    @Test
    void shouldLetExactlyOneOfManyConcurrentUpdatesOfTheSameVersionWin() throws Exception {
        store.create(role("race-1", 1, List.of("srv-a")));
        int writers = 6;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String server = "srv-" + i;
                Callable<String> write = () -> {
                    start.await();
                    try {
                        store.update(role("race-1", 2, List.of(server)));
                        return "won";
                    } catch (RoleStoreException.Conflict e) {
                        return "conflict";
                    }
                };
                outcomes.add(pool.submit(write));
            }
            start.countDown();
            List<String> results = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                results.add(outcome.get(30, TimeUnit.SECONDS));
            }
            assertThat(results).containsOnlyOnce("won").contains("conflict");
            assertThat(store.role("race-1").orElseThrow().version()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldAnswerNotFoundForAnUpdateOfAnUnknownRole() {
        assertThatThrownBy(() -> store.update(role("ghost-1", 2, List.of("srv-a"))))
                .isInstanceOf(RoleStoreException.NotFound.class)
                .hasMessage("no role ghost-1");
        assertThatThrownBy(() -> store.update(role("ghost-1", 1, List.of("srv-a"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.role("ghost-1")).isEmpty();
    }

    @Test
    void shouldRegisterManyServersInOneCallKeepingExistingRowsAndTheLastSightingOfADuplicate() {
        store.registerServer(new ServerIdentity("batch-1", "10.0.1.1", ServerKind.EXPANSION), T0);

        List<ServerRecord> stored = store.registerServers(List.of(
                new RoleStore.Sighting(new ServerIdentity("batch-2", "10.0.1.2", ServerKind.EXPANSION), T0),
                new RoleStore.Sighting(new ServerIdentity("batch-1", "10.0.1.9", ServerKind.MAIN), T0.plusSeconds(60)),
                new RoleStore.Sighting(new ServerIdentity("batch-3", "10.0.1.3", ServerKind.EXPANSION), T0),
                new RoleStore.Sighting(new ServerIdentity("batch-3", "10.0.1.33", ServerKind.EXPANSION),
                        T0.plusSeconds(1))));

        assertThat(stored).extracting(ServerRecord::serverId).containsExactly("batch-1", "batch-2", "batch-3");
        assertThat(stored.get(0).host()).isEqualTo("10.0.1.9");
        assertThat(stored.get(0).kind()).isEqualTo(ServerKind.MAIN);
        assertThat(stored.get(0).firstSeenAt()).as("an existing row keeps its first sighting")
                .isEqualTo(Instant.parse("2025-03-14T09:26:53.123456Z"));
        assertThat(stored.get(2).host()).isEqualTo("10.0.1.33");
        assertThat(stored.get(2).firstSeenAt()).isEqualTo(Instant.parse("2025-03-14T09:26:54.123456Z"));
        assertThat(store.server("batch-2")).contains(stored.get(1));
        assertThat(store.registerServers(List.of())).isEmpty();
    }

    @Test
    void shouldRegisterAServerOnFirstSightAndFollowItsKindAndHostAfterwards() {
        ServerRecord first = store.registerServer(new ServerIdentity("reg-1", "10.0.0.1", ServerKind.EXPANSION), T0);
        ServerRecord again = store.registerServer(new ServerIdentity("reg-1", "10.0.0.1", ServerKind.EXPANSION),
                T0.plusSeconds(60));
        ServerRecord moved = store.registerServer(new ServerIdentity("reg-1", "10.0.0.9", ServerKind.MAIN),
                T0.plusSeconds(120));

        assertThat(first).isEqualTo(new ServerRecord("reg-1", ServerKind.EXPANSION, "10.0.0.1",
                Instant.parse("2025-03-14T09:26:53.123456Z"), false, null, null));
        assertThat(again).isEqualTo(first);
        assertThat(moved.host()).isEqualTo("10.0.0.9");
        assertThat(moved.kind()).isEqualTo(ServerKind.MAIN);
        assertThat(moved.firstSeenAt()).isEqualTo(first.firstSeenAt());
        assertThat(store.server("reg-1")).contains(moved);
    }

    @Test
    void shouldKeepTheMaintenanceFlagWhenTheServerRegistersAgain() {
        store.registerServer(new ServerIdentity("maint-1", "10.0.0.2", ServerKind.EXPANSION), T0);

        ServerRecord on = store.setMaintenance("maint-1", true, "alice").orElseThrow();
        ServerRecord reRegistered = store.registerServer(
                new ServerIdentity("maint-1", "10.0.0.3", ServerKind.EXPANSION), T0.plusSeconds(5));

        assertThat(on.maintenance()).isTrue();
        assertThat(on.maintenanceBy()).isEqualTo("alice");
        assertThat(on.maintenanceSince()).isEqualTo(MAINTENANCE_AT);
        assertThat(reRegistered.maintenance()).isTrue();
        assertThat(reRegistered.maintenanceBy()).isEqualTo("alice");
        assertThat(reRegistered.host()).isEqualTo("10.0.0.3");
    }

    @Test
    void shouldKeepWhoStartedMaintenanceWhenAskedAgainAndForgetItWhenItEnds() {
        store.registerServer(new ServerIdentity("maint-2", "10.0.0.4", ServerKind.EXPANSION), T0);
        store.setMaintenance("maint-2", true, "alice");

        ServerRecord again = store.setMaintenance("maint-2", true, "bob").orElseThrow();
        ServerRecord off = store.setMaintenance("maint-2", false, "bob").orElseThrow();

        assertThat(again.maintenanceBy()).isEqualTo("alice");
        assertThat(off).isEqualTo(new ServerRecord("maint-2", ServerKind.EXPANSION, "10.0.0.4",
                Instant.parse("2025-03-14T09:26:53.123456Z"), false, null, null));
        assertThat(store.setMaintenance("nobody", true, "bob")).isEmpty();
    }

    @Test
    void shouldListServersById() {
        store.registerServer(new ServerIdentity("list-b", "h", ServerKind.EXPANSION), T0);
        store.registerServer(new ServerIdentity("list-a", "h", ServerKind.MAIN), T0);

        assertThat(store.servers().stream().map(ServerRecord::serverId).filter(id -> id.startsWith("list-")))
                .containsExactly("list-a", "list-b");
        assertThat(store.server("list-c")).isEmpty();
    }

    @Test
    void shouldReportAnUnreachableDatabaseAsUnavailable() throws Exception {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setUrl("jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/nothing?connectTimeout=2");
        nowhere.setUser(database.username());

        assertThatThrownBy(() -> new PostgresRoleStore(nowhere).roles())
                .isInstanceOf(RoleStoreException.Unavailable.class)
                .hasMessageStartingWith("placement store: cannot list roles: ");
    }

    @Test
    void shouldRejectRowsTheSchemaForbids() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute("INSERT INTO placement.roles (role_id, version, "
                    + "force_highest_priority, failback_delay_ms, database_server, updated_by, updated_at) "
                    + "VALUES ('half-db', 1, false, 0, 'DB1', 'x', now())"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("roles_database_complete");
            assertThatThrownBy(() -> statement.execute("INSERT INTO placement.servers (server_id, kind, host, "
                    + "first_seen_at, maintenance) VALUES ('m', 'EXPANSION', 'h', now(), true)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("servers_maintenance_who_when");
        }
    }
}
