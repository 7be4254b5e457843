package dev.baton.placement.api;

import static dev.baton.placement.api.FakePlacementControl.NOW;
import static dev.baton.placement.api.FakePlacementControl.server;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.events.DatabaseRef;
import dev.baton.events.MoveReason;
import dev.baton.events.PluginSpec;
import dev.baton.events.FailbackWindow;
import dev.baton.events.InFlightConfig;
import dev.baton.events.RoleConfigured;
import dev.baton.events.ServerKind;
import dev.baton.events.Topic;
import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.detector.SafetyBrake;
import dev.baton.placement.detector.ServerIdentity;
import dev.baton.placement.detector.ServerState;
import dev.baton.placement.detector.ServerView;
import dev.baton.placement.policy.Assignment;
import dev.baton.placement.policy.Hold;
import dev.baton.placement.policy.ResourceFailure;
import dev.baton.placement.policy.ManualMove;
import dev.baton.placement.store.PostgresRoleStore;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.RoleStoreException;
import dev.baton.runtime.kafka.KafkaSettings;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin API against the real database and broker, with a fake placement loop. Vert.x, both HTTP servers (one
 * without and one with control-plane failover) and the Kafka producer start once for the class; each test works on
 * roles of its own.
 */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class AdminHttpApiIT {
    private static final String TOKEN = "it-admin-token-4b1f0e7d";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MOVE_TIMEOUT = Duration.ofMillis(500);
    private static final Instant SEEN = Instant.parse("2025-03-14T08:00:00Z");

    private static TestKafka kafka;
    private static HikariDataSource dataSource;
    private static PostgresRoleStore postgres;
    private static ScriptableStore store;
    private static SwitchablePublisher publisher;
    private static KafkaConfigPublisher kafkaPublisher;
    private static FakePlacementControl control;
    private static CapturedLogs logs;
    private static Vertx vertx;
    private static WebClient client;
    private static AdminHttpApi api;
    private static AdminHttpApi apiWithControlPlaneFailover;
    private static int port;
    private static int portWithControlPlaneFailover;

    @BeforeAll
    static void start(TestDatabase database, TestKafka testKafka) throws Exception {
        kafka = testKafka;
        logs = CapturedLogs.attach();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.username());
        config.setPassword(database.password());
        config.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(config);
        PostgresRoleStore.migrate(dataSource);
        postgres = new PostgresRoleStore(dataSource);
        store = new ScriptableStore(postgres);
        register("srv-main", ServerKind.MAIN, "main.corp.example");
        register("srv-a", ServerKind.EXPANSION, "srv-a.corp.example");
        register("srv-b", ServerKind.EXPANSION, "10.0.0.12");
        register("srv-c", ServerKind.EXPANSION, "srv-c.corp.example");
        register("srv-d", ServerKind.EXPANSION, "srv-d.corp.example");
        register("srv-m", ServerKind.EXPANSION, "srv-m.corp.example");

        control = new FakePlacementControl(FakePlacementControl.snapshot(
                List.of(server("srv-main", ServerState.UP, ServerKind.MAIN),
                        server("srv-a", ServerState.UP, ServerKind.EXPANSION),
                        server("srv-b", ServerState.DOWN, ServerKind.EXPANSION),
                        server("srv-c", ServerState.MAINTENANCE, ServerKind.EXPANSION),
                        server("srv-m", ServerState.UP, ServerKind.EXPANSION)),
                List.of(Assignment.placed("payroll", 7, "srv-a"), Assignment.placed("ledger", 2, "srv-a"),
                        Assignment.unplaced("orphan", 3)),
                List.of(new Hold("payroll", "srv-a", 7, MoveReason.RESOURCE_FAILURE,
                        "restart budget exhausted: 3 resource-failure moves in the last 10 min (limit 3)"))));
        kafkaPublisher = new KafkaConfigPublisher(
                new KafkaSettings(kafka.bootstrapServers(), kafka.namespace(), "admin-api-it"));
        publisher = new SwitchablePublisher(kafkaPublisher);

        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
        api = new AdminHttpApi(vertx, store, control, publisher, TOKEN, false, AdminHttpApi.DEFAULT_ACTOR,
                Clock.systemUTC(), MOVE_TIMEOUT);
        apiWithControlPlaneFailover = new AdminHttpApi(vertx, store, control, publisher, TOKEN, true);
        port = listen(api);
        portWithControlPlaneFailover = listen(apiWithControlPlaneFailover);
    }

    private static void register(String serverId, ServerKind kind, String host) {
        postgres.registerServer(new ServerIdentity(serverId, host, kind), SEEN);
    }

    private static int listen(AdminHttpApi adminApi) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(adminApi.router());
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
            apiWithControlPlaneFailover.close();
        }
        if (client != null) {
            client.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (kafkaPublisher != null) {
            kafkaPublisher.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
        if (logs != null) {
            logs.close();
        }
    }

    // ---- HTTP helpers

    /** An answer: status, body and headers. */
    private record Reply(int status, String text, MultiMap headers) {
        JsonObject json() {
            return new JsonObject(text);
        }

        String message() {
            return json().getString("message");
        }

        List<String> validationErrors() {
            return json().getJsonArray("validationErrors").stream().map(String::valueOf).toList();
        }
    }

    private static Reply call(int serverPort, HttpMethod method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest<Buffer> request = client.request(method, serverPort, "127.0.0.1", "/api/v1" + path);
        headers.forEach(request::putHeader);
        var sent = body == null ? request.send()
                : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
        HttpResponse<Buffer> response = sent.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return new Reply(response.statusCode(), response.bodyAsString(), response.headers());
    }

    private static Reply send(HttpMethod method, String path, Object body) throws Exception {
        return call(port, method, path, body == null ? null : body.toString(), Map.of("Authorization", "Bearer " + TOKEN));
    }

    private static Reply get(String path) throws Exception {
        return send(HttpMethod.GET, path, null);
    }

    private static JsonObject database(String server, String host, int port) {
        return new JsonObject().put("server", server).put("host", host).put("port", port);
    }

    private static JsonObject newRole(String roleId, String... servers) {
        return new JsonObject()
                .put("roleId", roleId)
                .put("servers", new JsonArray(List.of((Object[]) servers)))
                .put("database", database("DB9\\SQLEXPRESS", "db9.corp.example", 1433));
    }

    private static JsonObject createRole(String roleId, String... servers) throws Exception {
        Reply created = send(HttpMethod.POST, "/roles", newRole(roleId, servers));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json();
    }

    private static RoleConfigured awaitConfigured(String roleId, long version) {
        return kafka.awaitEvent(Topic.CONFIG_EVENTS, RoleConfigured.class,
                e -> e.roleId().equals(roleId) && e.version() == version, TIMEOUT);
    }

    private static void assertApiError(Reply reply, int status) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(reply.json().fieldNames()).containsExactlyInAnyOrder("code", "message", "validationErrors");
        assertThat(reply.json().getInteger("code")).isEqualTo(status);
    }

    // ---- roles: create, list, show

    @Test
    void shouldCreateARoleAndAnswerItWithWhereItRunsAndAnnounceVersion1() throws Exception {
        int notified = control.rolesChangedCalls();
        JsonObject body = new JsonObject()
                .put("roleId", "payroll")
                .put("servers", new JsonArray().add("srv-a").add("srv-b"))
                .put("forceHighestPriority", true)
                .put("failbackDelayMs", 60000)
                .put("database", database("DB1\\SQLEXPRESS", "db1.corp.example", 1433))
                .put("plugin", new JsonObject().put("kind", "command")
                        .put("command", new JsonArray().add("/opt/payroll/run").add("{port}"))
                        .put("environment", new JsonObject().put("DB_PASSWORD", "hunter2")));

        Reply created = send(HttpMethod.POST, "/roles", body);

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.headers().get("Location")).isEqualTo("/api/v1/roles/payroll");
        assertThat(created.headers().get("ETag")).isEqualTo("\"1\"");
        JsonObject role = created.json();
        assertThat(role.getString("roleId")).isEqualTo("payroll");
        assertThat(role.getLong("version")).isEqualTo(1);
        assertThat(role.getJsonArray("servers")).containsExactly("srv-a", "srv-b");
        assertThat(role.getBoolean("forceHighestPriority")).isTrue();
        assertThat(role.getLong("failbackDelayMs")).isEqualTo(60000);
        assertThat(role.getJsonObject("database")).isEqualTo(database("DB1\\SQLEXPRESS", "db1.corp.example", 1433));
        assertThat(role.getJsonObject("plugin").getJsonObject("environment"))
                .isEqualTo(new JsonObject().put("DB_PASSWORD", "****"));
        assertThat(role.getString("updatedBy")).isEqualTo("admin-api");
        assertThat(role.getString("hostingServer")).isEqualTo("srv-a");
        assertThat(role.getLong("epoch")).isEqualTo(7);
        assertThat(role.getString("held")).startsWith("restart budget exhausted");
        assertThat(role.getString("state")).isEqualTo("HELD");
        assertThat(role.getString("stateReason")).isEqualTo(role.getString("held"));
        assertThat(control.rolesChangedCalls()).isEqualTo(notified + 1);

        RoleConfigured event = awaitConfigured("payroll", 1);
        assertThat(event.servers()).containsExactly("srv-a", "srv-b");
        assertThat(event.forceHighestPriority()).isTrue();
        assertThat(event.failbackDelayMs()).isEqualTo(60000);
        assertThat(event.database()).isEqualTo(new DatabaseRef("DB1\\SQLEXPRESS", "db1.corp.example", 1433));
        assertThat(event.plugin()).isEqualTo(new PluginSpec("command", List.of("/opt/payroll/run", "{port}"),
                Map.of("DB_PASSWORD", "hunter2"), null));
        assertThat(event.changedBy()).isEqualTo("admin-api");

        Reply shown = get("/roles/payroll");
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.json()).isEqualTo(role);
        assertThat(shown.headers().get("ETag")).isEqualTo("\"1\"");
        JsonArray listed = get("/roles").json().getJsonArray("roles");
        assertThat(listed.stream().map(r -> ((JsonObject) r).getString("roleId"))).contains("payroll");
        assertThat(logs.lines()).contains("INFO dev.baton.placement.api.RoleConfigApi - role payroll: created with "
                + "servers [srv-a, srv-b], failback on after 60000 ms, database DB1\\SQLEXPRESS, plugin command by "
                + "admin-api (version 1)");
    }

    @Test
    void shouldShowARoleTheLoopNeverPlacedWithoutHostOrEpoch() throws Exception {
        JsonObject role = createRole("fresh", "srv-a");

        assertThat(role.containsKey("hostingServer")).isFalse();
        assertThat(role.containsKey("epoch")).isFalse();
        assertThat(role.getBoolean("forceHighestPriority")).isFalse();
        assertThat(role.getLong("failbackDelayMs")).isZero();
    }

    // ---- servers

    @Test
    void shouldListRegisteredServersWithStateKindMaintenanceAndHostedRoles() throws Exception {
        Reply reply = get("/servers");

        assertThat(reply.status()).isEqualTo(200);
        Map<String, JsonObject> servers = new java.util.LinkedHashMap<>();
        reply.json().getJsonArray("servers").forEach(s -> servers.put(((JsonObject) s).getString("serverId"),
                (JsonObject) s));
        assertThat(servers.keySet()).containsSubsequence("srv-a", "srv-b", "srv-c", "srv-d", "srv-m", "srv-main");
        JsonObject a = servers.get("srv-a");
        assertThat(a.getString("state")).isEqualTo("UP");
        assertThat(a.getString("kind")).isEqualTo("EXPANSION");
        assertThat(a.getString("host")).isEqualTo("srv-a.corp.example");
        assertThat(a.getString("firstSeenAt")).isEqualTo("2025-03-14T08:00:00Z");
        assertThat(a.getJsonArray("roles")).containsExactly("ledger", "payroll");
        assertThat(servers.get("srv-b").getString("state")).isEqualTo("DOWN");
        assertThat(servers.get("srv-b").getString("downCause")).isEqualTo(FakePlacementControl.DOWN_CAUSE);
        assertThat(servers.get("srv-c").getString("state")).isEqualTo("MAINTENANCE");
        assertThat(servers.get("srv-d").getString("state")).isEqualTo("UNKNOWN");
        assertThat(servers.get("srv-d").getJsonArray("roles")).isEmpty();
        assertThat(servers.get("srv-main").getString("kind")).isEqualTo("MAIN");
        assertThat(get("/servers/srv-b").json()).isEqualTo(servers.get("srv-b"));
    }

    @Test
    void shouldListTheRegisteredServersNotYetInTheRole() throws Exception {
        createRole("available", "srv-a", "srv-c");

        Reply reply = get("/roles/available/available-servers");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().getJsonArray("servers").stream().map(s -> ((JsonObject) s).getString("serverId")))
                .containsExactly("srv-b", "srv-d", "srv-m", "srv-main");
    }

    @Test
    void shouldRefuseMaintenanceThatWouldStopARoleUnlessForced() throws Exception {
        createRole("stranded", "srv-d", "srv-b");
        PlacementSnapshot before = control.snapshot();
        List<ServerView> servers = new ArrayList<>(before.view().servers());
        servers.add(server("srv-d", ServerState.UP, ServerKind.EXPANSION));
        control.snapshot(FakePlacementControl.snapshot(servers, before.assignments().all(), before.held()));
        try {
            Reply refused = send(HttpMethod.PUT, "/servers/srv-d/maintenance", new JsonObject().put("on", true));

            assertApiError(refused, 409);
            assertThat(refused.message()).isEqualTo("maintenance of srv-d would leave 1 roles with no eligible server,"
                    + " so they would stop: stranded; repeat with ?force=true to do it anyway");
            assertThat(refused.validationErrors()).containsExactly("stranded: no other eligible server (srv-b is DOWN)");
            assertThat(postgres.server("srv-d").orElseThrow().maintenance()).isFalse();
            assertThat(control.maintenanceCalls()).noneMatch(call -> call.serverId().equals("srv-d"));
            assertApiError(send(HttpMethod.PUT, "/servers/srv-d/maintenance?force=maybe",
                    new JsonObject().put("on", true)), 400);

            Reply forced = send(HttpMethod.PUT, "/servers/srv-d/maintenance?force=true",
                    new JsonObject().put("on", true));

            assertThat(forced.status()).as(forced.text()).isEqualTo(200);
            assertThat(postgres.server("srv-d").orElseThrow().maintenance()).isTrue();
            assertThat(send(HttpMethod.PUT, "/servers/srv-d/maintenance", new JsonObject().put("on", false)).status())
                    .as("ending maintenance is never refused").isEqualTo(200);
        } finally {
            control.snapshot(before);
        }
    }

    @Test
    void shouldReleaseTheSafetyBrakeOnlyWhileItIsOn() throws Exception {
        Reply off = send(HttpMethod.POST, "/safety-brake/release", null);

        assertApiError(off, 409);
        assertThat(off.message()).isEqualTo("the safety brake is off: failovers are not held");

        createRole("braked", "srv-a", "srv-m");
        PlacementSnapshot before = control.snapshot();
        SafetyBrake.Engaged brake = new SafetyBrake.Engaged(NOW, List.of("srv-a", "srv-m"), 3);
        ClusterView braked = new ClusterView(NOW, true, NOW, before.view().servers(), brake);
        control.snapshot(new PlacementSnapshot(NOW, true, "placement-1", null, braked,
                before.assignments().with(List.of(Assignment.placed("braked", 1, "srv-a"))), before.held()));
        try {
            JsonObject role = get("/roles/braked").json();
            Reply released = send(HttpMethod.POST, "/safety-brake/release", null);

            assertThat(role.getString("state")).isEqualTo("HELD");
            assertThat(role.getString("stateReason")).isEqualTo("safety brake: " + brake.describe());
            assertThat(released.status()).as(released.text()).isEqualTo(202);
            assertThat(released.json().getJsonArray("servers")).containsExactly("srv-a", "srv-m");
            assertThat(control.brakeReleases()).containsExactly("admin-api");
        } finally {
            control.snapshot(before);
        }
    }

    @Test
    void shouldPutAServerInMaintenanceAndTakeItOut() throws Exception {
        Reply on = send(HttpMethod.PUT, "/servers/srv-m/maintenance", new JsonObject().put("on", true));

        assertThat(on.status()).as(on.text()).isEqualTo(200);
        assertThat(on.json().getBoolean("maintenance")).isTrue();
        assertThat(on.json().getString("maintenanceBy")).isEqualTo("admin-api");
        assertThat(on.json().getString("maintenanceSince")).isNotNull();
        assertThat(postgres.server("srv-m").orElseThrow().maintenance()).isTrue();
        assertThat(control.maintenanceCalls()).endsWith(new FakePlacementControl.MaintenanceCall("srv-m", true,
                "admin-api"));
        assertThat(logs.lines()).contains("INFO dev.baton.placement.api.ServerApi - server srv-m: maintenance on "
                + "by admin-api");

        Reply off = send(HttpMethod.PUT, "/servers/srv-m/maintenance", new JsonObject().put("on", false));

        assertThat(off.status()).isEqualTo(200);
        assertThat(off.json().getBoolean("maintenance")).isFalse();
        assertThat(off.json().containsKey("maintenanceBy")).isFalse();
        assertThat(postgres.server("srv-m").orElseThrow().maintenance()).isFalse();
        assertThat(control.maintenanceCalls()).endsWith(new FakePlacementControl.MaintenanceCall("srv-m", false,
                "admin-api"));
        assertApiError(send(HttpMethod.PUT, "/servers/srv-nowhere/maintenance", new JsonObject().put("on", true)), 404);
        assertApiError(send(HttpMethod.PUT, "/servers/srv-m/maintenance", new JsonObject().put("on", "yes")), 400);
    }

    // ---- the server list: add, remove, up, down, order

    @Test
    void shouldAppendAnAddedServerAtTheBottomAndAnnounceTheNextVersion() throws Exception {
        createRole("adding", "srv-a");
        int notified = control.rolesChangedCalls();

        Reply added = send(HttpMethod.POST, "/roles/adding/servers", new JsonObject().put("serverId", "srv-b"));

        assertThat(added.status()).as(added.text()).isEqualTo(200);
        assertThat(added.json().getJsonArray("servers")).containsExactly("srv-a", "srv-b");
        assertThat(added.json().getLong("version")).isEqualTo(2);
        assertThat(added.headers().get("ETag")).isEqualTo("\"2\"");
        assertThat(control.rolesChangedCalls()).isEqualTo(notified + 1);
        assertThat(awaitConfigured("adding", 2).servers()).containsExactly("srv-a", "srv-b");
        assertThat(logs.lines()).contains("INFO dev.baton.placement.api.RoleConfigApi - role adding: server srv-b added "
                + "at position 2; servers now [srv-a, srv-b] by admin-api (version 2)");

        Reply twice = send(HttpMethod.POST, "/roles/adding/servers", new JsonObject().put("serverId", "srv-a"));
        Reply unknown = send(HttpMethod.POST, "/roles/adding/servers", new JsonObject().put("serverId", "srv-zz"));

        assertApiError(twice, 422);
        assertThat(twice.validationErrors()).containsExactly("serverId: 'srv-a' is already in the list at position 1");
        assertApiError(unknown, 422);
        assertThat(unknown.validationErrors()).containsExactly("servers[2]: 'srv-zz' is not a registered server: a "
                + "server registers with its first heartbeat; start its agent, then add it");
        assertThat(postgres.role("adding").orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void shouldMoveServersUpAndDownAndSetTheWholeOrder() throws Exception {
        createRole("priority", "srv-a", "srv-b", "srv-c");

        Reply up = send(HttpMethod.POST, "/roles/priority/servers/srv-c/up", null);
        Reply down = send(HttpMethod.POST, "/roles/priority/servers/srv-a/down", null);
        Reply ordered = send(HttpMethod.PUT, "/roles/priority/servers",
                new JsonObject().put("servers", new JsonArray().add("srv-b").add("srv-c").add("srv-a")));

        assertThat(up.json().getJsonArray("servers")).containsExactly("srv-a", "srv-c", "srv-b");
        assertThat(down.json().getJsonArray("servers")).containsExactly("srv-c", "srv-a", "srv-b");
        assertThat(ordered.json().getJsonArray("servers")).containsExactly("srv-b", "srv-c", "srv-a");
        assertThat(ordered.json().getLong("version")).isEqualTo(4);
        // One role, one partition: the announcements arrive in version order.
        List<RoleConfigured> announced = kafka.awaitEvents(Topic.CONFIG_EVENTS, RoleConfigured.class,
                e -> e.roleId().equals("priority"), 4, TIMEOUT);
        assertThat(announced).extracting(RoleConfigured::version).containsExactly(1L, 2L, 3L, 4L);
        assertThat(announced).extracting(RoleConfigured::servers).containsExactly(
                List.of("srv-a", "srv-b", "srv-c"), List.of("srv-a", "srv-c", "srv-b"),
                List.of("srv-c", "srv-a", "srv-b"), List.of("srv-b", "srv-c", "srv-a"));

        Reply top = send(HttpMethod.POST, "/roles/priority/servers/srv-b/up", null);
        Reply bottom = send(HttpMethod.POST, "/roles/priority/servers/srv-a/down", null);
        Reply notAPermutation = send(HttpMethod.PUT, "/roles/priority/servers",
                new JsonObject().put("servers", new JsonArray().add("srv-b").add("srv-c")));
        Reply notListed = send(HttpMethod.POST, "/roles/priority/servers/srv-d/up", null);

        assertApiError(top, 422);
        assertThat(top.message()).contains("'srv-b' is already at the top of the list");
        assertApiError(bottom, 422);
        assertApiError(notAPermutation, 422);
        assertThat(notAPermutation.message()).contains("'srv-a' is missing");
        assertApiError(notListed, 404);
        assertThat(postgres.role("priority").orElseThrow().version()).isEqualTo(4);
    }

    @Test
    void shouldRemoveAServerButNotTheLastOne() throws Exception {
        createRole("removing", "srv-a", "srv-b");

        Reply removed = send(HttpMethod.DELETE, "/roles/removing/servers/srv-a", null);
        Reply notListed = send(HttpMethod.DELETE, "/roles/removing/servers/srv-c", null);
        Reply last = send(HttpMethod.DELETE, "/roles/removing/servers/srv-b", null);

        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.json().getJsonArray("servers")).containsExactly("srv-b");
        assertThat(awaitConfigured("removing", 2).servers()).containsExactly("srv-b");
        assertApiError(notListed, 404);
        assertThat(notListed.message()).isEqualTo("role removing does not list server 'srv-c'; its servers are [srv-b]");
        assertApiError(last, 422);
        assertThat(last.validationErrors()).containsExactly("servers: list at least one server");
    }

    // ---- failback

    @Test
    void shouldTurnFailbackOnAndOffKeepingTheDelayWhenNoneIsGiven() throws Exception {
        createRole("failback", "srv-a", "srv-b");

        Reply on = send(HttpMethod.PUT, "/roles/failback/failback",
                new JsonObject().put("forceHighestPriority", true).put("failbackDelayMs", 30000));
        Reply off = send(HttpMethod.PUT, "/roles/failback/failback", new JsonObject().put("forceHighestPriority", false));

        assertThat(on.json().getBoolean("forceHighestPriority")).isTrue();
        assertThat(on.json().getLong("failbackDelayMs")).isEqualTo(30000);
        assertThat(off.json().getBoolean("forceHighestPriority")).isFalse();
        assertThat(off.json().getLong("failbackDelayMs")).isEqualTo(30000);
        assertThat(off.json().getLong("version")).isEqualTo(3);
        List<RoleConfigured> announced = kafka.awaitEvents(Topic.CONFIG_EVENTS, RoleConfigured.class,
                e -> e.roleId().equals("failback"), 3, TIMEOUT);
        assertThat(announced).extracting(RoleConfigured::version).containsExactly(1L, 2L, 3L);
        assertThat(announced).extracting(RoleConfigured::forceHighestPriority).containsExactly(false, true, false);
        assertThat(announced).extracting(RoleConfigured::failbackDelayMs).containsExactly(0L, 30000L, 30000L);
        assertThat(logs.lines()).contains("INFO dev.baton.placement.api.RoleConfigApi - role failback: failback on "
                + "(force highest priority after 30000 ms UP) by admin-api (version 2)");

        Reply negative = send(HttpMethod.PUT, "/roles/failback/failback",
                new JsonObject().put("forceHighestPriority", true).put("failbackDelayMs", -1));
        assertApiError(negative, 422);
        assertThat(negative.validationErrors()).containsExactly("failbackDelayMs: must not be negative, was -1 ms");
    }

    // ---- the database

    @Test
    void shouldRejectALocalDatabaseWith422AndSayWhatToDo() throws Exception {
        createRole("localdb", "srv-a", "srv-b");

        Reply reply = send(HttpMethod.PUT, "/roles/localdb/database",
                database("(local)\\SQLEXPRESS", "db1.corp.example", 1433));

        assertApiError(reply, 422);
        assertThat(reply.message()).isEqualTo("role localdb rejected: database.server: '(local)\\SQLEXPRESS' is a "
                + "database on the local machine: restore the role's database on a remote server that hosts none of "
                + "the role's servers and name that server instead, e.g. DBHOST\\SQLEXPRESS");
        assertThat(reply.validationErrors()).hasSize(1);
        assertThat(postgres.role("localdb").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void shouldRejectADatabaseOnOneOfTheRoleServers() throws Exception {
        createRole("samehost", "srv-a", "srv-b");

        Reply byName = send(HttpMethod.PUT, "/roles/samehost/database",
                database("SRV-A\\SQLEXPRESS", "db1.corp.example", 1433));
        Reply byAdvertisedHost = send(HttpMethod.PUT, "/roles/samehost/database",
                database("DB1\\SQLEXPRESS", "10.0.0.12", 1433));

        assertApiError(byName, 422);
        assertThat(byName.message()).contains("'SRV-A\\SQLEXPRESS' is on srv-a, one of the role's servers: the database "
                + "must be on a third computer");
        assertApiError(byAdvertisedHost, 422);
        assertThat(byAdvertisedHost.validationErrors()).containsExactly("database.host: '10.0.0.12' is on srv-b "
                + "(10.0.0.12), one of the role's servers: the database must be on a third computer, separate from the "
                + "servers hosting the role");
    }

    @Test
    void shouldSetARemoteDatabaseAndLogTheChange() throws Exception {
        createRole("remotedb", "srv-a", "srv-b");

        Reply reply = send(HttpMethod.PUT, "/roles/remotedb/database",
                database("DB1\\SQLEXPRESS", "db1.corp.example", 1433));

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(reply.json().getLong("version")).isEqualTo(2);
        assertThat(awaitConfigured("remotedb", 2).database())
                .isEqualTo(new DatabaseRef("DB1\\SQLEXPRESS", "db1.corp.example", 1433));
        assertThat(logs.lines()).contains("INFO dev.baton.placement.api.RoleConfigApi - role remotedb: database set to "
                + "DB1\\SQLEXPRESS (db1.corp.example:1433) by admin-api (version 2)");
    }

    // ---- the MAIN server

    @Test
    void shouldRejectTheMainServerUnlessControlPlaneFailoverIsConfigured() throws Exception {
        Reply refused = send(HttpMethod.POST, "/roles", newRole("directory", "srv-main", "srv-a"));

        assertApiError(refused, 422);
        assertThat(refused.message()).contains("'srv-main' is the MAIN server")
                .contains("requires control-plane failover to be configured")
                .contains("configure control-plane failover first");
        assertApiError(get("/roles/directory"), 404);

        Reply accepted = call(portWithControlPlaneFailover, HttpMethod.POST, "/roles",
                newRole("directory", "srv-main", "srv-a").encode(), Map.of("Authorization", "Bearer " + TOKEN));
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(201);

        createRole("expansion-only", "srv-a");
        JsonObject addMain = new JsonObject().put("serverId", "srv-main");
        assertApiError(send(HttpMethod.POST, "/roles/expansion-only/servers", addMain), 422);
        Reply added = call(portWithControlPlaneFailover, HttpMethod.POST, "/roles/expansion-only/servers",
                addMain.encode(), Map.of("Authorization", "Bearer " + TOKEN));
        assertThat(added.status()).as(added.text()).isEqualTo(200);
        assertThat(awaitConfigured("expansion-only", 2).servers()).containsExactly("srv-a", "srv-main");
    }

    // ---- manual moves

    @Test
    void shouldAnswerAnAcceptedManualMoveWithTheMove() throws Exception {
        createRole("mover", "srv-a", "srv-b");

        Reply moved = send(HttpMethod.POST, "/roles/mover/move", new JsonObject().put("to", "srv-b"));

        assertThat(moved.status()).as(moved.text()).isEqualTo(200);
        assertThat(moved.json()).isEqualTo(new JsonObject().put("roleId", "mover").put("to", "srv-b").put("epoch", 1)
                .put("reason", "MANUAL").put("cause", "moved by admin-api"));
        assertThat(control.moveRequests()).contains(new ManualMove("mover", "srv-b", "admin-api"));
    }

    @Test
    void shouldShowWhyARoleDoesNotServe() throws Exception {
        createRole("orphan", "srv-b", "srv-c");
        createRole("ledger", "srv-a", "srv-b");

        JsonObject orphan = get("/roles/orphan").json();
        JsonObject ledger = get("/roles/ledger").json();

        assertThat(orphan.getString("state")).isEqualTo("UNPLACED");
        assertThat(orphan.getString("stateReason"))
                .isEqualTo("every server is down or in maintenance: srv-b is DOWN, srv-c is in maintenance");
        assertThat(ledger.getString("state")).isEqualTo("STARTING");
        assertThat(ledger.getString("stateReason")).isEqualTo("assigned to srv-a at epoch 2; srv-a has not reported"
                + " it yet");
    }

    @Test
    void shouldResetTheRestartBudgetOfAHeldRole() throws Exception {
        createRole("budgeted", "srv-a", "srv-m");
        createRole("newcomer", "srv-a");
        PlacementSnapshot before = control.snapshot();
        control.snapshot(FakePlacementControl.snapshot(before.view().servers(), List.of(new Assignment("budgeted", 4,
                "srv-a", List.of(new ResourceFailure("srv-m", NOW), new ResourceFailure("srv-a", NOW)))), List.of()));
        Reply reset;
        Reply noAssignment;
        try {
            reset = send(HttpMethod.POST, "/roles/budgeted/restart-budget/reset", null);
            noAssignment = send(HttpMethod.POST, "/roles/newcomer/restart-budget/reset", null);
        } finally {
            control.snapshot(before);
        }
        Reply unknownRole = send(HttpMethod.POST, "/roles/nobody/restart-budget/reset", null);

        assertThat(reset.status()).as(reset.text()).isEqualTo(200);
        assertThat(reset.json()).isEqualTo(new JsonObject().put("roleId", "budgeted").put("resourceFailuresCleared", 2));
        assertThat(control.budgetResets()).containsExactly("budgeted by admin-api", "newcomer by admin-api");
        assertApiError(noAssignment, 409);
        assertThat(noAssignment.message()).isEqualTo("the restart budget of role newcomer was not reset: role newcomer"
                + " has no assignment yet");
        assertApiError(unknownRole, 404);
    }

    @Test
    void shouldAnswerARefusedManualMoveWith409AndTheReason() throws Exception {
        createRole("refused", "srv-a", "srv-c");
        control.refuseMovesOf("refused", "srv-c is in maintenance");

        Reply refused = send(HttpMethod.POST, "/roles/refused/move", new JsonObject().put("to", "srv-c"));
        Reply notListed = send(HttpMethod.POST, "/roles/refused/move", new JsonObject().put("to", "srv-d"));
        Reply unknownRole = send(HttpMethod.POST, "/roles/nobody/move", new JsonObject().put("to", "srv-a"));

        assertApiError(refused, 409);
        assertThat(refused.message()).isEqualTo("role refused cannot move to srv-c: srv-c is in maintenance");
        assertApiError(notListed, 422);
        assertThat(notListed.validationErrors()).containsExactly("to: 'srv-d' is not one of the role's servers "
                + "[srv-a, srv-c]");
        assertApiError(unknownRole, 404);
    }

    @Test
    void shouldAnswer503WhenThePlacementLoopDoesNotAnswerAMove() throws Exception {
        createRole("stalled", "srv-a", "srv-b");
        control.neverAnswerMovesOf("stalled");

        Reply reply = send(HttpMethod.POST, "/roles/stalled/move", new JsonObject().put("to", "srv-b"));

        assertApiError(reply, 503);
        assertThat(reply.message()).isEqualTo("the placement loop did not answer within 500 ms; the move may still "
                + "happen: check GET /api/v1/roles/stalled");
    }

    // ---- authentication and errors

    @Test
    void shouldRequireAValidBearerTokenButServeTheContractWithoutOne() throws Exception {
        Reply missing = call(port, HttpMethod.GET, "/roles", null, Map.of());
        Reply wrong = call(port, HttpMethod.POST, "/roles", newRole("sneaky", "srv-a").encode(),
                Map.of("Authorization", "Bearer " + TOKEN + "x"));
        Reply contract = call(port, HttpMethod.GET, "/openapi.yaml", null, Map.of());

        assertApiError(missing, 401);
        assertThat(missing.headers().get("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(missing.message()).isEqualTo("missing bearer token: send 'Authorization: Bearer <token>'");
        assertApiError(wrong, 401);
        assertThat(wrong.message()).isEqualTo("invalid bearer token");
        assertThat(postgres.role("sneaky")).isEmpty();
        assertThat(contract.status()).isEqualTo(200);
        assertThat(contract.headers().get("Content-Type")).isEqualTo("application/yaml");
        assertThat(contract.text()).startsWith("openapi: 3.");
    }

    @Test
    void shouldAnswer404ForAnUnknownRoleServerOrPath() throws Exception {
        assertApiError(get("/roles/nobody"), 404);
        assertThat(get("/roles/nobody").message()).isEqualTo("no role 'nobody'");
        assertApiError(get("/roles/nobody/available-servers"), 404);
        assertApiError(send(HttpMethod.PUT, "/roles/nobody/failback",
                new JsonObject().put("forceHighestPriority", true)), 404);
        assertApiError(send(HttpMethod.POST, "/roles/nobody/servers/srv-a/up", null), 404);
        assertApiError(get("/servers/nobody"), 404);
        assertApiError(get("/nothing-here"), 404);
    }

    @Test
    void shouldAnswer400ForMalformedJsonUnknownFieldsAndWrongTypes() throws Exception {
        createRole("strict", "srv-a");

        Reply malformed = send(HttpMethod.POST, "/roles", "{\"roleId\": ");
        Reply unknownField = send(HttpMethod.PUT, "/roles/strict/failback",
                new JsonObject().put("forceHighestPriority", true).put("failbackDelay", 5));
        Reply wrongType = send(HttpMethod.PUT, "/roles/strict/failback",
                new JsonObject().put("forceHighestPriority", "true"));
        Reply notAnObject = send(HttpMethod.PUT, "/roles/strict/servers", "[\"srv-a\"]");
        Reply noBody = send(HttpMethod.POST, "/roles/strict/move", null);

        assertApiError(malformed, 400);
        assertThat(malformed.message()).startsWith("request body is not valid JSON: ");
        assertApiError(unknownField, 400);
        assertThat(unknownField.message()).isEqualTo("unknown field 'failbackDelay'; known fields: "
                + "forceHighestPriority, failbackDelayMs");
        assertApiError(wrongType, 400);
        assertThat(wrongType.message()).isEqualTo("field 'forceHighestPriority' must be true or false, was the string "
                + "\"true\"");
        assertApiError(notAnObject, 400);
        assertApiError(noBody, 400);
        assertThat(postgres.role("strict").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void shouldAnswer409ForADuplicateRole() throws Exception {
        createRole("twice", "srv-a");

        Reply again = send(HttpMethod.POST, "/roles", newRole("twice", "srv-b"));

        assertApiError(again, 409);
        assertThat(again.message()).isEqualTo("role twice exists already");
        assertThat(postgres.role("twice").orElseThrow().servers()).containsExactly("srv-a");
    }

    @Test
    void shouldSetMoveAndRemoveAGatewayPortAndRejectOneAnotherRoleHas() throws Exception {
        Reply created = send(HttpMethod.POST, "/roles", newRole("ported", "srv-a").put("gatewayPort", 7101));
        createRole("portless", "srv-a");

        Reply taken = send(HttpMethod.POST, "/roles", newRole("copycat", "srv-a").put("gatewayPort", 7101));
        Reply takenByPut = send(HttpMethod.PUT, "/roles/portless/gateway-port", new JsonObject().put("port", 7101));
        Reply outOfRange = send(HttpMethod.PUT, "/roles/portless/gateway-port", new JsonObject().put("port", 70000));
        Reply moved = send(HttpMethod.PUT, "/roles/ported/gateway-port", new JsonObject().put("port", 7102));
        Reply freedTaken = send(HttpMethod.PUT, "/roles/portless/gateway-port", new JsonObject().put("port", 7101));
        Reply removed = send(HttpMethod.DELETE, "/roles/ported/gateway-port", null);

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().getInteger("gatewayPort")).isEqualTo(7101);
        assertApiError(taken, 409);
        assertThat(taken.message()).isEqualTo("gateway port 7101 is already the gateway port of role ported: a gateway "
                + "port belongs to one role");
        assertThat(postgres.role("copycat")).isEmpty();
        assertApiError(takenByPut, 409);
        assertApiError(outOfRange, 422);
        assertThat(outOfRange.validationErrors()).containsExactly("gatewayPort: must be between 1 and 65535, was 70000");
        assertThat(moved.json().getInteger("gatewayPort")).isEqualTo(7102);
        assertThat(freedTaken.json().getInteger("gatewayPort")).isEqualTo(7101);
        assertThat(removed.json().containsKey("gatewayPort")).isFalse();
        assertThat(awaitConfigured("ported", 1).gatewayPort()).isEqualTo(7101);
        assertThat(awaitConfigured("ported", 2).gatewayPort()).isEqualTo(7102);
        assertThat(awaitConfigured("ported", 3).gatewayPort()).isNull();
        assertThat(awaitConfigured("portless", 2).gatewayPort()).isEqualTo(7101);
    }

    @Test
    void shouldDeleteARoleWithATombstoneOnlyAtTheVersionIfMatchNames() throws Exception {
        createRole("doomed", "srv-a");
        Map<String, String> stale = Map.of("Authorization", "Bearer " + TOKEN, "If-Match", "\"7\"");

        Reply refused = call(port, HttpMethod.DELETE, "/roles/doomed", null, stale);
        Reply deleted = call(port, HttpMethod.DELETE, "/roles/doomed", null,
                Map.of("Authorization", "Bearer " + TOKEN, "If-Match", "\"1\""));
        Reply again = send(HttpMethod.DELETE, "/roles/doomed", null);

        assertApiError(refused, 412);
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
        assertApiError(again, 404);
        assertThat(postgres.role("doomed")).isEmpty();
        assertThat(kafka.readAll(Topic.CONFIG_EVENTS, TIMEOUT)).filteredOn(r -> "doomed".equals(r.key()))
                .last().satisfies(record -> assertThat(record.value()).as("a tombstone").isNull());
        assertThat(control.rolesChangedCalls()).isPositive();
    }

    @Test
    void shouldSetAndRemoveTheInFlightPolicyAndTheFailbackWindowAndAnnounceThem() throws Exception {
        createRole("tuned", "srv-a");

        Reply replay = send(HttpMethod.PUT, "/roles/tuned/in-flight",
                new JsonObject().put("policy", "replay").put("replayLimitBytes", 4096));
        Reply badPolicy = send(HttpMethod.PUT, "/roles/tuned/in-flight",
                new JsonObject().put("policy", "retry").put("replayLimitBytes", 4096));
        Reply window = send(HttpMethod.PUT, "/roles/tuned/failback-window",
                new JsonObject().put("fromHour", 22).put("toHour", 6));
        Reply emptyWindow = send(HttpMethod.PUT, "/roles/tuned/failback-window",
                new JsonObject().put("fromHour", 5).put("toHour", 5));
        Reply noPolicy = send(HttpMethod.DELETE, "/roles/tuned/in-flight", null);
        Reply anyHour = send(HttpMethod.DELETE, "/roles/tuned/failback-window", null);

        assertThat(replay.json().getJsonObject("inFlight"))
                .isEqualTo(new JsonObject().put("policy", "replay").put("replayLimitBytes", 4096));
        assertApiError(badPolicy, 422);
        assertThat(badPolicy.validationErrors()).containsExactly("inFlight.policy: must be 'close' (close an awaiting "
                + "client's connection so its retry runs), 'replay' (resend its unanswered bytes; idempotent protocols "
                + "only) or 'repoint' (one-way streams), was 'retry'", "inFlight.replayLimitBytes: applies to the "
                + "policy 'replay' only");
        assertThat(window.json().getJsonObject("failbackWindow"))
                .isEqualTo(new JsonObject().put("fromHour", 22).put("toHour", 6));
        assertApiError(emptyWindow, 422);
        assertThat(noPolicy.json().containsKey("inFlight")).isFalse();
        assertThat(anyHour.json().containsKey("failbackWindow")).isFalse();
        assertThat(awaitConfigured("tuned", 2).inFlight()).isEqualTo(new InFlightConfig("replay", 4096));
        assertThat(awaitConfigured("tuned", 3).failbackWindow()).isEqualTo(new FailbackWindow(22, 6));
        assertThat(awaitConfigured("tuned", 3).inFlight()).isEqualTo(new InFlightConfig("replay", 4096));
        assertThat(awaitConfigured("tuned", 5).failbackWindow()).isNull();
        RoleDefinition stored = postgres.role("tuned").orElseThrow();
        assertThat(stored.inFlight()).isNull();
        assertThat(stored.version()).isEqualTo(5);
    }

    @Test
    void shouldReplaceTheWholeConfigurationOnlyWithIfMatchAndKeepMaskedSecrets() throws Exception {
        JsonObject plugin = new JsonObject().put("kind", "command")
                .put("command", new JsonArray(List.of("/bin/run", "{port}")))
                .put("environment", new JsonObject().put("SECRET", "s3cret"));
        assertThat(send(HttpMethod.POST, "/roles", newRole("applied", "srv-a", "srv-b").put("plugin", plugin))
                .status()).isEqualTo(201);
        JsonObject shown = get("/roles/applied").json();
        JsonObject edited = new JsonObject()
                .put("servers", new JsonArray(List.of("srv-b", "srv-a")))
                .put("forceHighestPriority", true).put("failbackDelayMs", 5000)
                .put("failbackWindow", new JsonObject().put("fromHour", 1).put("toHour", 4))
                .put("database", shown.getJsonObject("database"))
                .put("plugin", shown.getJsonObject("plugin"));
        Map<String, String> basedOn1 = Map.of("Authorization", "Bearer " + TOKEN, "If-Match", "\"1\"");

        Reply withoutIfMatch = send(HttpMethod.PUT, "/roles/applied", edited);
        Reply applied = call(port, HttpMethod.PUT, "/roles/applied", edited.encode(), basedOn1);
        Reply conflict = call(port, HttpMethod.PUT, "/roles/applied", edited.encode(), basedOn1);
        Reply local = call(port, HttpMethod.PUT, "/roles/applied", edited.copy()
                .put("database", database("(local)", "localhost", 1433)).encode(),
                Map.of("Authorization", "Bearer " + TOKEN, "If-Match", "\"2\""));

        assertApiError(withoutIfMatch, 428);
        assertThat(applied.status()).as(applied.text()).isEqualTo(200);
        assertThat(applied.headers().get("ETag")).isEqualTo("\"2\"");
        assertApiError(conflict, 412);
        assertApiError(local, 422);
        RoleDefinition stored = postgres.role("applied").orElseThrow();
        assertThat(stored.servers()).containsExactly("srv-b", "srv-a");
        assertThat(stored.failbackWindow()).isEqualTo(new FailbackWindow(1, 4));
        assertThat(stored.plugin().environment()).as("the masked value kept").containsEntry("SECRET", "s3cret");
        assertThat(awaitConfigured("applied", 2).forceHighestPriority()).isTrue();
    }

    @Test
    void shouldAnswer409WhenAnotherChangeOfTheRoleCameFirst() throws Exception {
        createRole("racing", "srv-a", "srv-b");
        store.beforeNextUpdate(() -> {
            RoleDefinition current = postgres.role("racing").orElseThrow();
            postgres.update(new RoleDefinition("racing", 2, List.of("srv-b", "srv-a"), current.forceHighestPriority(),
                    current.failbackDelay(), current.database(), current.plugin(), "other-instance", Instant.now(),
                    current.gatewayPort()));
        });

        Reply reply = send(HttpMethod.PUT, "/roles/racing/failback", new JsonObject().put("forceHighestPriority", true));

        assertApiError(reply, 409);
        assertThat(reply.message()).isEqualTo("role racing changed since it was read: it is at version 2, the change "
                + "was based on version 1");
        RoleDefinition stored = postgres.role("racing").orElseThrow();
        assertThat(stored.updatedBy()).isEqualTo("other-instance");
        assertThat(stored.forceHighestPriority()).isFalse();
    }

    @Test
    void shouldApplyAChangeOnlyToTheVersionIfMatchNames() throws Exception {
        createRole("guarded", "srv-a", "srv-b");
        Map<String, String> basedOn1 = Map.of("Authorization", "Bearer " + TOKEN, "If-Match", "\"1\"");
        String body = new JsonObject().put("forceHighestPriority", true).encode();

        Reply first = call(port, HttpMethod.PUT, "/roles/guarded/failback", body, basedOn1);
        Reply stale = call(port, HttpMethod.POST, "/roles/guarded/servers/srv-b/up", null, basedOn1);

        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(first.headers().get("ETag")).isEqualTo("\"2\"");
        assertApiError(stale, 412);
        assertThat(stale.message()).isEqualTo("role guarded is at version 2, not 1 as If-Match requires: read it again "
                + "and redo the change");
        assertThat(postgres.role("guarded").orElseThrow().servers()).containsExactly("srv-a", "srv-b");
    }

    @Test
    void shouldAnswer503WhenTheChangeWasStoredButNotAnnouncedAndAnnounceItWhenRepeated() throws Exception {
        createRole("unannounced", "srv-a", "srv-b");
        int notified = control.rolesChangedCalls();
        publisher.failNext();
        JsonObject failbackOn = new JsonObject().put("forceHighestPriority", true).put("failbackDelayMs", 5000);

        Reply failed = send(HttpMethod.PUT, "/roles/unannounced/failback", failbackOn);

        assertApiError(failed, 503);
        assertThat(failed.message()).startsWith("role unannounced is stored at version 2 and the placement uses it, but "
                + "announcing it on the config-events topic failed (Expiring 1 record(s)");
        assertThat(control.rolesChangedCalls()).isEqualTo(notified + 1);
        assertThat(postgres.role("unannounced").orElseThrow().version()).isEqualTo(2);

        Reply repeated = send(HttpMethod.PUT, "/roles/unannounced/failback", failbackOn);

        assertThat(repeated.status()).as(repeated.text()).isEqualTo(200);
        assertThat(repeated.json().getLong("version")).isEqualTo(2);
        assertThat(awaitConfigured("unannounced", 2).forceHighestPriority()).isTrue();
        assertThat(logs.lines()).contains("INFO dev.baton.placement.api.RoleConfigApi - role unannounced: unchanged "
                + "(failback on (force highest priority after 5000 ms UP)); configuration announced again by admin-api "
                + "(version 2)");
    }

    @Test
    void shouldAnswer503WhenTheDatabaseIsUnavailable() throws Exception {
        store.failNextCall(new RoleStoreException.Unavailable("placement store: cannot list roles: pool timeout",
                new SQLTransientConnectionException("pool timeout")));

        Reply reply = get("/roles");

        assertApiError(reply, 503);
        assertThat(reply.message()).isEqualTo("the placement database is unavailable; try again later");
    }

    @Test
    void shouldAnswerReadsFromMemoryAndSaySoWhileTheDatabaseDoesNotAnswer() throws Exception {
        createRole("remembered", "srv-a", "srv-m");
        PlacementSnapshot before = control.snapshot();
        control.snapshot(before.withRoles(List.of(postgres.role("remembered").orElseThrow()), NOW));
        try {
            store.failNextCall(new RoleStoreException.Unavailable("placement store: cannot list roles: socket timeout",
                    new SQLTransientConnectionException("socket timeout")));
            Reply listed = get("/roles");
            store.failNextCall(new RoleStoreException.Unavailable("placement store: cannot read role: socket timeout",
                    new SQLTransientConnectionException("socket timeout")));
            Reply shown = get("/roles/remembered");

            String stale = "the placement database does not answer: role configuration as loaded at " + NOW
                    + ", it may be stale; hosts and states are current";
            assertThat(listed.status()).as(listed.text()).isEqualTo(200);
            assertThat(listed.json().getString("stale")).isEqualTo(stale);
            assertThat(listed.json().getJsonArray("roles")).extracting(r -> ((JsonObject) r).getString("roleId"))
                    .containsExactly("remembered");
            assertThat(shown.status()).as(shown.text()).isEqualTo(200);
            assertThat(shown.json().getString("stale")).isEqualTo(stale);
            assertThat(shown.json().getJsonArray("servers")).containsExactly("srv-a", "srv-m");
        } finally {
            control.snapshot(before);
        }
    }

    @Test
    void shouldNeverLogTheToken() throws Exception {
        store.failNextCall(new IllegalStateException("unexpected"));
        Reply crashed = get("/roles");
        call(port, HttpMethod.GET, "/roles", null, Map.of("Authorization", "Bearer " + TOKEN + "-almost"));
        call(port, HttpMethod.GET, "/roles", null, Map.of("Authorization", TOKEN));
        createRole("logged", "srv-a");

        assertApiError(crashed, 500);
        assertThat(crashed.message()).isEqualTo("internal error: IllegalStateException");
        assertThat(logs.lines()).isNotEmpty().noneMatch(line -> line.contains(TOKEN));
    }
}
