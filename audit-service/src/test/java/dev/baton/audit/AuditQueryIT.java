package dev.baton.audit;

import static dev.baton.audit.AuditTestSupport.TIMEOUT;
import static dev.baton.audit.AuditTestSupport.TOKEN;
import static dev.baton.audit.AuditTestSupport.publishAll;
import static dev.baton.audit.AuditTestSupport.queryLong;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.audit.AuditTestSupport.Response;
import dev.baton.audit.ingest.EventRows;
import dev.baton.events.BatonEvent;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleState;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The query API on a published data set: each filter and the pagination return exactly the rows a reference
 * filter over what was published selects, in the documented order; the scripted failover yields its timeline;
 * hostile values are refused or find nothing, and change nothing.
 */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
class AuditQueryIT {
    private static final Instant BASE = Instant.parse("2022-06-01T00:00:00Z");
    private static final List<String> ROLES = List.of("role-a", "role-b", "role-c");
    private static final List<String> SERVERS = List.of("srv-1", "srv-2", "srv-3");
    private static final List<BatonEvent> PUBLISHED = new ArrayList<>();
    private static AuditService service;
    private static TestDatabase db;

    @BeforeAll
    static void start(TestKafka kafka, TestDatabase database) throws Exception {
        db = database;
        service = AuditService.start(AuditTestSupport.settings(kafka, db.jdbcUrl(), db.username(), db.password(), Map.of()));
        PUBLISHED.addAll(dataSet());
        PUBLISHED.addAll(Samples.scriptedFailover("role-f"));
        PUBLISHED.addAll(Samples.scriptedPlannedMove("role-g"));
        publishAll(kafka, PUBLISHED);
        Await.until("the data set is stored", TIMEOUT, () -> storedCount() == PUBLISHED.size());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    /** Ninety events of every audited kind; pairs share an instant so the order falls back on the event id. */
    private static List<BatonEvent> dataSet() {
        List<BatonEvent> events = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            Instant at = BASE.plusSeconds(i / 2);
            String role = ROLES.get(i % 3);
            String server = SERVERS.get((i / 3) % 3);
            long epoch = (i / 6) % 3 + 1;
            events.add(switch (i % 9) {
                case 0 -> Samples.moved(role, epoch, SERVERS.get((i / 3 + 1) % 3), server, MoveReason.MANUAL, null, at, at);
                case 1 -> Samples.state(role, server, epoch, RoleState.RUNNING, at);
                case 2 -> Samples.down(server, at);
                case 3 -> Samples.reconnected(role, epoch, i, at);
                case 4 -> Samples.configured(role, SERVERS, at);
                case 5 -> Samples.up(server, at);
                case 6 -> Samples.unplaced(role, epoch, at);
                case 7 -> Samples.reconnectFailed(role, epoch, at);
                default -> i % 2 == 0 ? Samples.maintenance(server, at) : Samples.deadLetter(at);
            });
        }
        return events;
    }

    private static long storedCount() throws SQLException {
        return queryLong(db.jdbcUrl(), db.username(), db.password(), "SELECT count(*) FROM events");
    }

    private static Response get(String pathAndQuery) {
        return AuditTestSupport.get(service.httpPort(), pathAndQuery, TOKEN);
    }

    private static String query(Map<String, String> params) {
        StringBuilder query = new StringBuilder();
        params.forEach((name, value) -> query.append(query.length() == 0 ? "?" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return query.toString();
    }

    /** Every event id the API returns for {@code path} with {@code params}, following cursors page by page. */
    private static List<String> allPages(String path, Map<String, String> params, int limit) {
        List<String> ids = new ArrayList<>();
        Map<String, String> pageParams = new LinkedHashMap<>(params);
        pageParams.put("limit", Integer.toString(limit));
        for (int pages = 0; pages < 1000; pages++) {
            Response response = get(path + query(pageParams));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            JsonObject body = response.json();
            JsonArray events = body.getJsonArray("events");
            events.forEach(e -> ids.add(((JsonObject) e).getString("eventId")));
            String next = body.getString("nextCursor");
            if (next == null) {
                assertThat(events.size()).isLessThanOrEqualTo(limit);
                return ids;
            }
            assertThat(events.size()).as("a page with a next cursor is full").isEqualTo(limit);
            pageParams.put("cursor", next);
        }
        throw new AssertionError("more than 1000 pages");
    }

    /** The reference: what was published, filtered in Java, in (occurredAt, eventId) order as PostgreSQL sorts. */
    private static List<String> expected(Predicate<BatonEvent> filter) {
        return PUBLISHED.stream()
                .filter(filter)
                .sorted(Comparator.<BatonEvent, Instant>comparing(e -> e.occurredAt().truncatedTo(ChronoUnit.MICROS))
                        // uuid sorts bytewise in PostgreSQL, which is the order of its lower-case text form.
                        .thenComparing(e -> e.eventId().toString()))
                .map(e -> e.eventId().toString())
                .toList();
    }

    private static EventRows.Columns columns(BatonEvent event) {
        return EventRows.columnsOf(event);
    }

    static List<Object[]> filters() {
        Instant from = BASE.plusSeconds(5);
        Instant to = BASE.plusSeconds(12);
        return List.of(
                new Object[] {Map.of(), (Predicate<BatonEvent>) e -> true},
                new Object[] {Map.of("type", "RoleMoved"), (Predicate<BatonEvent>) e -> e.type().wireName().equals("RoleMoved")},
                new Object[] {Map.of("type", "ServerDown,ServerUp"),
                        (Predicate<BatonEvent>) e -> List.of("ServerDown", "ServerUp").contains(e.type().wireName())},
                new Object[] {Map.of("role", "role-a"), (Predicate<BatonEvent>) e -> "role-a".equals(columns(e).roleId())},
                new Object[] {Map.of("server", "srv-2"), (Predicate<BatonEvent>) e -> "srv-2".equals(columns(e).serverId())},
                new Object[] {Map.of("epoch", "2"), (Predicate<BatonEvent>) e -> Long.valueOf(2).equals(columns(e).epoch())},
                new Object[] {Map.of("role", "role-b", "epoch", "1"),
                        (Predicate<BatonEvent>) e -> "role-b".equals(columns(e).roleId()) && Long.valueOf(1).equals(columns(e).epoch())},
                new Object[] {Map.of("from", from.toString(), "to", to.toString()),
                        (Predicate<BatonEvent>) e -> !e.occurredAt().isBefore(from) && e.occurredAt().isBefore(to)},
                new Object[] {Map.of("from", "2022-06-01T02:00:10+02:00"),
                        (Predicate<BatonEvent>) e -> !e.occurredAt().isBefore(BASE.plusSeconds(10))},
                new Object[] {Map.of("type", "RoleStateChanged", "role", "role-a", "server", "srv-2"),
                        (Predicate<BatonEvent>) e -> e.type().wireName().equals("RoleStateChanged")
                                && "role-a".equals(columns(e).roleId()) && "srv-2".equals(columns(e).serverId())},
                new Object[] {Map.of("type", "DeadLetter"), (Predicate<BatonEvent>) e -> e.type().wireName().equals("DeadLetter")},
                new Object[] {Map.of("role", "nobody"), (Predicate<BatonEvent>) e -> false});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void shouldReturnExactlyThePublishedEventsThatMatchEachFilter(Map<String, String> params, Predicate<BatonEvent> filter) {
        List<String> expected = expected(filter);

        assertThat(allPages("/api/v1/events", params, 1000)).containsExactlyElementsOf(expected);
        assertThat(allPages("/api/v1/events", params, 7)).as("paged by 7").containsExactlyElementsOf(expected);
    }

    @Test
    void shouldWalkEveryEventOnePageAtATimeWithoutRepeatOrGap() {
        assertThat(allPages("/api/v1/events", Map.of("role", "role-c"), 1))
                .containsExactlyElementsOf(expected(e -> "role-c".equals(columns(e).roleId())));
    }

    @Test
    void shouldReturnTheHistoryOfARole() {
        assertThat(allPages("/api/v1/roles/role-a/history", Map.of(), 10))
                .containsExactlyElementsOf(expected(e -> "role-a".equals(columns(e).roleId())));
        assertThat(allPages("/api/v1/roles/role-f/history", Map.of("type", "RoleMoved"), 100)).hasSize(3);
    }

    @Test
    void shouldAnswerEveryColumnOfAnEvent() {
        BatonEvent moved = PUBLISHED.get(0);
        JsonObject event = get("/api/v1/events?type=RoleMoved&limit=1&from=" + BASE).json().getJsonArray("events").getJsonObject(0);

        assertThat(event.getString("eventId")).isEqualTo(moved.eventId().toString());
        assertThat(event.getString("type")).isEqualTo("RoleMoved");
        assertThat(event.getString("topic")).endsWith(".role-events");
        assertThat(event.getString("key")).isEqualTo("role-a");
        assertThat(event.getString("roleId")).isEqualTo("role-a");
        assertThat(event.getString("serverId")).isEqualTo("srv-1");
        assertThat(event.getLong("epoch")).isEqualTo(1L);
        assertThat(event.getString("occurredAt")).isEqualTo(BASE.toString());
        assertThat(event.getString("recordedAt")).isNotNull();
        assertThat(event.getJsonObject("payload").getString("reason")).isEqualTo("MANUAL");
        assertThat(event.getJsonObject("payload").getString("from")).isEqualTo("srv-2");
    }

    @Test
    void shouldShowTheDrainOfAPlannedMoveInItsTimeline() {
        JsonArray rows = get("/api/v1/failovers?role=role-g&reason=MAINTENANCE").json().getJsonArray("failovers");

        assertThat(rows).hasSize(1);
        JsonObject planned = rows.getJsonObject(0);
        assertThat(planned.getString("drainStartedAt")).isEqualTo(Samples.DRAIN_STARTED.toString());
        assertThat(planned.getLong("gatewaysDrained")).isEqualTo(2L);
        assertThat(planned.getLong("drainWaitMs")).isEqualTo(150L);
        assertThat(planned.getLong("decideToRunningMs")).isEqualTo(550L);
        assertThat(planned.getLong("totalMs")).as("clients were held from the drain's start").isEqualTo(750L);
        JsonObject initial = get("/api/v1/failovers?role=role-g&reason=INITIAL").json().getJsonArray("failovers")
                .getJsonObject(0);
        assertThat(initial.getString("drainStartedAt")).isNull();
        assertThat(initial.getLong("gatewaysDrained")).isNull();
    }

    @Test
    void shouldDeriveTheTimelineOfTheScriptedFailover() {
        Instant t = Samples.FAILOVER_DETECTED;
        JsonArray rows = get("/api/v1/failovers?role=role-f").json().getJsonArray("failovers");

        assertThat(rows).hasSize(3);
        JsonObject initial = rows.getJsonObject(0);
        assertThat(initial.getLong("epoch")).isEqualTo(1L);
        assertThat(initial.getString("reason")).isEqualTo("INITIAL");
        assertThat(initial.getString("serverDownDetectedAt")).isNull();
        assertThat(initial.getLong("decideToRunningMs")).isEqualTo(1000L);
        assertThat(initial.getString("clientsReconnectedAt")).isNull();
        assertThat(initial.getLong("totalMs")).isNull();

        JsonObject failover = rows.getJsonObject(1);
        assertThat(failover.getString("from")).isEqualTo("srv-1");
        assertThat(failover.getString("to")).isEqualTo("srv-2");
        assertThat(failover.getString("serverDownDetectedAt")).as("from the ServerDown of srv-1").isEqualTo(t.toString());
        assertThat(failover.getString("decidedAt")).isEqualTo(t.plusMillis(200).toString());
        assertThat(failover.getString("runningAt")).isEqualTo(t.plusMillis(900).toString());
        assertThat(failover.getString("clientsReconnectedAt")).isEqualTo(t.plusMillis(1150).toString());
        assertThat(failover.getLong("connectionsMoved")).isEqualTo(4L);
        assertThat(failover.getLong("connectionsIdle")).as("only the gateway that counts").isEqualTo(2L);
        assertThat(failover.getLong("connectionsReplayed")).isEqualTo(1L);
        assertThat(failover.getLong("connectionsClosedAwaiting")).isEqualTo(2L);
        assertThat(failover.getLong("connectionsDrained")).as("a failover drains nothing").isZero();
        assertThat(failover.getLong("detectToDecideMs")).isEqualTo(200L);
        assertThat(failover.getLong("decideToRunningMs")).isEqualTo(700L);
        assertThat(failover.getLong("runningToReconnectedMs")).isEqualTo(250L);
        assertThat(failover.getLong("totalMs")).isEqualTo(1150L);

        JsonObject second = rows.getJsonObject(2);
        assertThat(second.getString("serverDownDetectedAt")).as("the move's own detectedAt")
                .isEqualTo(t.plusSeconds(60).toString());
        assertThat(second.getLong("detectToDecideMs")).isEqualTo(100L);
        assertThat(second.getLong("decideToRunningMs")).isEqualTo(400L);
        assertThat(second.getLong("runningToReconnectedMs")).isEqualTo(100L);
        assertThat(second.getLong("totalMs")).isEqualTo(600L);
        assertThat(second.getLong("connectionsClosedAwaiting")).as("no gateway reported it").isNull();
        assertThat(second.getLong("drainMs")).isNull();

        assertThat(get("/api/v1/failovers?role=role-f&reason=FAILOVER").json().getJsonArray("failovers")).hasSize(2);
        JsonObject paged = get("/api/v1/failovers?role=role-f&limit=2").json();
        assertThat(paged.getJsonArray("failovers")).hasSize(2);
        JsonArray rest = get("/api/v1/failovers?role=role-f&limit=2&cursor=" + paged.getString("nextCursor"))
                .json().getJsonArray("failovers");
        assertThat(rest).hasSize(1);
        assertThat(rest.getJsonObject(0).getLong("epoch")).isEqualTo(3L);
        assertThat(get("/api/v1/failovers?from=2021-03-04T10:00:30Z&to=2021-03-05T00:00:00Z").json()
                .getJsonArray("failovers")).hasSize(1);
    }

    @Test
    void shouldRefuseRequestsWithoutTheTokenButServeHealthAndMetrics() {
        int port = service.httpPort();
        Response none = AuditTestSupport.get(port, "/api/v1/events", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().getInteger("code")).isEqualTo(401);
        assertThat(AuditTestSupport.get(port, "/api/v1/events", "wrong-token-0123456789").status()).isEqualTo(401);
        assertThat(AuditTestSupport.get(port, "/api/v1/failovers", null).status()).isEqualTo(401);
        assertThat(AuditTestSupport.get(port, "/api/v1/roles/role-a/history", null).status()).isEqualTo(401);
        assertThat(AuditTestSupport.get(port, "/api/v1/no-such-thing", null).status()).isEqualTo(401);

        assertThat(AuditTestSupport.get(port, "/health/live", null).status()).isEqualTo(200);
        Response ready = AuditTestSupport.get(port, "/health/ready", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().getString("database")).isEqualTo("UP");
        String metrics = AuditTestSupport.get(port, "/metrics", null).body();
        assertThat(metrics).contains("baton_audit_events_stored_total{", "type=\"RoleMoved\"", "baton_audit_batch_size",
                "baton_audit_consumer_lag", "baton_audit_db_failures_total", "baton_audit_events_duplicate_total");
    }

    @Test
    void shouldExplainUnknownParametersAndTypes() {
        Response unknown = get("/api/v1/events?rol=role-a");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().getString("message"))
                .isEqualTo("unknown parameter 'rol'; known: cursor, epoch, from, limit, role, server, to, type");

        Response type = get("/api/v1/events?type=Heartbeat");
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.json().getString("message")).startsWith("unknown event type 'Heartbeat'; known types: DeadLetter,");

        Response several = get("/api/v1/events?epoch=-1&limit=5000");
        assertThat(several.status()).isEqualTo(400);
        assertThat(several.json().getJsonArray("validationErrors")).hasSize(2);
    }

    static List<String> hostileValues() {
        return List.of("'", "' OR '1'='1", "role-a' OR 'x'='x", "role-a'; DROP TABLE events; --", "1; DELETE FROM events",
                "role-a\") OR (1=1", "%", "_", "*", "\\", "role-a\u0000", "$1", "1 UNION SELECT * FROM pg_user",
                "x".repeat(129), "y".repeat(10_000), "2022-06-01T00:00:00Z'; DROP TABLE events; --",
                "RoleMoved') OR ('1'='1", "-1", "1e9", "NaN", "𝕽𝖔𝖑𝖊", "..", "../../etc/passwd");
    }

    @ParameterizedTest
    @MethodSource("hostileValues")
    void shouldRefuseOrFindNothingForHostileValuesAndChangeNothing(String value) throws SQLException {
        long before = storedCount();
        for (String param : List.of("type", "role", "server", "epoch", "from", "to", "limit", "cursor")) {
            Response response = get("/api/v1/events" + query(Map.of(param, value)));
            assertHostileAnswer(param, value, response, "events");
        }
        for (String param : List.of("role", "reason", "from", "to", "cursor")) {
            assertHostileAnswer(param, value, get("/api/v1/failovers" + query(Map.of(param, value))), "failovers");
        }
        String path = "/api/v1/roles/" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20") + "/history";
        Response history = get(path);
        assertThat(history.status()).as(path + " -> " + history.body()).isIn(400, 404, 200);
        if (history.status() == 200) {
            assertThat(history.json().getJsonArray("events")).isEmpty();
        }

        assertThat(storedCount()).as("nothing changed").isEqualTo(before);
        assertThat(allPages("/api/v1/events", Map.of("role", "role-a"), 1000))
                .containsExactlyElementsOf(expected(e -> "role-a".equals(columns(e).roleId())));
    }

    private static void assertHostileAnswer(String param, String value, Response response, String list) {
        String what = param + "=" + value.substring(0, Math.min(40, value.length())) + " -> " + response.status() + " "
                + response.body().substring(0, Math.min(300, response.body().length()));
        assertThat(response.status()).as(what).isIn(200, 400);
        if (response.status() == 200) {
            assertThat(response.json().getJsonArray(list)).as(what).isEmpty();
        } else {
            assertThat(response.json().getInteger("code")).as(what).isEqualTo(400);
            assertThat(response.json().getString("message")).as(what).isNotBlank().hasSizeLessThan(2000);
        }
    }
}
