package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.http.ApiRequest;
import java.net.ConnectException;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The commands against a fake transport: what they send, what they print, and their exit codes. */
class BatonCliTest {
    private static final String ROLE = """
            {"roleId":"billing","version":2,"servers":["server-a","server-b","server-c"],"forceHighestPriority":true,
             "failbackDelayMs":30000,"database":{"server":"DBHOST\\\\SQLEXPRESS","host":"dbhost","port":1433},
             "updatedBy":"admin-api","updatedAt":"2026-11-25T10:00:00Z","hostingServer":"server-a","epoch":4,
             "state":"RUNNING"}""";

    private final FakeApiClient api = new FakeApiClient();

    @Test
    void shouldListRolesAsATableFromThePlacementApi() {
        api.answer(200, "{\"roles\":[" + ROLE + "]}");

        CliRun run = CliRun.run(api, "--token", "secret-token", "roles", "list");

        assertThat(run.exit()).isZero();
        ApiRequest request = api.only();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri()).hasToString("http://127.0.0.1:8081/api/v1/roles");
        assertThat(request.bearerToken()).isEqualTo("secret-token");
        assertThat(run.out()).startsWith("ROLE     STATE    HOST      EPOCH  SERVERS");
        assertThat(run.out()).contains("billing  RUNNING  server-a  4      server-a,server-b,server-c  on after 30 s");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldPrintTheRawAnswerWithJson() {
        String body = "{\"roles\":[" + ROLE + "]}";
        api.answer(200, body);

        CliRun run = CliRun.run(api, "roles", "list", "--json");

        assertThat(run.out()).isEqualTo(body + "\n");
    }

    @Test
    void shouldTakeUrlAndTokenFromTheEnvironmentWhenNoOptionIsGiven() {
        api.answer(200, ROLE);

        CliRun run = CliRun.run(api, (b, t, f, w) -> null,
                Map.of("BATON_API_URL", "http://placement-1:9000/", "BATON_API_TOKEN", "from-env"),
                Clock.systemUTC(), "roles", "show", "billing");

        assertThat(run.exit()).isZero();
        assertThat(api.only().uri()).hasToString("http://placement-1:9000/api/v1/roles/billing");
        assertThat(api.only().bearerToken()).isEqualTo("from-env");
        assertThat(run.out()).contains("role:            billing")
                .contains("servers:         server-a,server-b,server-c (highest priority first)")
                .contains("database:        DBHOST\\SQLEXPRESS (dbhost:1433)");
    }

    @Test
    void shouldPreferOptionsOverTheEnvironment() {
        CliRun run = CliRun.run(api, (b, t, f, w) -> null,
                Map.of("BATON_API_URL", "http://from-env:1", "BATON_API_TOKEN", "from-env"), Clock.systemUTC(),
                "--api", "https://from-option:2", "servers", "list", "--token", "from-option");

        assertThat(run.exit()).isZero();
        assertThat(api.only().uri()).hasToString("https://from-option:2/api/v1/servers");
        assertThat(api.only().bearerToken()).isEqualTo("from-option");
    }

    @Test
    void shouldCreateARoleWithServersFailbackAndDatabase() {
        api.answer(201, ROLE);

        CliRun run = CliRun.run(api, "roles", "create", "billing", "--servers", "server-a,server-b,server-c",
                "--failback", "--failback-delay", "30s", "--db-server", "DBHOST\\SQLEXPRESS", "--db-host", "dbhost",
                "--db-port", "1433");

        assertThat(run.exit()).isZero();
        ApiRequest request = api.only();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri().getPath()).isEqualTo("/api/v1/roles");
        assertThat(request.jsonBody()).isEqualTo("{\"roleId\":\"billing\",\"servers\":[\"server-a\",\"server-b\","
                + "\"server-c\"],\"forceHighestPriority\":true,\"failbackDelayMs\":30000,\"database\":{\"server\":"
                + "\"DBHOST\\\\SQLEXPRESS\",\"host\":\"dbhost\",\"port\":1433}}");
        assertThat(run.out()).startsWith("created role billing (version 2)\n").contains("failback:        on after 30 s");
    }

    @Test
    void shouldCreateARoleWithoutFailbackOrDatabase() {
        CliRun run = CliRun.run(api, "roles", "create", "r1", "--servers", "a", "--servers", "b");

        assertThat(run.exit()).isZero();
        assertThat(api.only().jsonBody())
                .isEqualTo("{\"roleId\":\"r1\",\"servers\":[\"a\",\"b\"],\"forceHighestPriority\":false}");
    }

    @Test
    void shouldCreateARoleWithAGatewayPort() {
        CliRun run = CliRun.run(api, "roles", "create", "r1", "--servers", "a", "--gateway-port", "7001");

        assertThat(run.exit()).isZero();
        assertThat(api.only().jsonBody()).isEqualTo(
                "{\"roleId\":\"r1\",\"servers\":[\"a\"],\"forceHighestPriority\":false,\"gatewayPort\":7001}");
    }

    @Test
    void shouldRefuseAGatewayPortThatIsNeitherANumberNorNone() {
        CliRun run = CliRun.run(api, "roles", "gateway-port", "billing", "seven");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines()[0]).isEqualTo("baton: PORT must be a number or none, was 'seven'");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void shouldRefuseAPartialDatabaseAsAUsageError() {
        CliRun run = CliRun.run(api, "roles", "create", "r1", "--servers", "a", "--db-host", "h");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines()[0]).isEqualTo("baton: Missing required argument(s): --db-server=NAME, --db-port=PORT");
        assertThat(run.err()).contains("Try 'baton roles create --help' for more information.");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void shouldSendEveryRoleChangeToItsEndpoint() {
        assertRequest(new String[] {"roles", "add-server", "billing", "server-d"}, "POST", "/api/v1/roles/billing/servers",
                "{\"serverId\":\"server-d\"}");
        assertRequest(new String[] {"roles", "remove-server", "billing", "server-d"}, "DELETE",
                "/api/v1/roles/billing/servers/server-d", null);
        assertRequest(new String[] {"roles", "up", "billing", "server-b"}, "POST",
                "/api/v1/roles/billing/servers/server-b/up", null);
        assertRequest(new String[] {"roles", "down", "billing", "server-b"}, "POST",
                "/api/v1/roles/billing/servers/server-b/down", null);
        assertRequest(new String[] {"roles", "failback", "billing", "on", "--delay", "2m"}, "PUT",
                "/api/v1/roles/billing/failback", "{\"forceHighestPriority\":true,\"failbackDelayMs\":120000}");
        assertRequest(new String[] {"roles", "failback", "billing", "OFF"}, "PUT", "/api/v1/roles/billing/failback",
                "{\"forceHighestPriority\":false}");
        assertRequest(new String[] {"roles", "database", "billing", "--server", "DB2", "--host", "db2", "--port", "5432"},
                "PUT", "/api/v1/roles/billing/database", "{\"server\":\"DB2\",\"host\":\"db2\",\"port\":5432}");
        assertRequest(new String[] {"roles", "gateway-port", "billing", "7001"}, "PUT",
                "/api/v1/roles/billing/gateway-port", "{\"port\":7001}");
        assertRequest(new String[] {"roles", "gateway-port", "billing", "none"}, "DELETE",
                "/api/v1/roles/billing/gateway-port", null);
        assertRequest(new String[] {"servers", "maintenance", "server-a", "on"}, "PUT",
                "/api/v1/servers/server-a/maintenance", "{\"on\":true}");
        assertRequest(new String[] {"roles", "failback-window", "billing", "22-6"}, "PUT",
                "/api/v1/roles/billing/failback-window", "{\"fromHour\":22,\"toHour\":6}");
        assertRequest(new String[] {"roles", "failback-window", "billing", "none"}, "DELETE",
                "/api/v1/roles/billing/failback-window", null);
        assertRequest(new String[] {"roles", "in-flight", "billing", "replay", "--replay-limit", "4096"}, "PUT",
                "/api/v1/roles/billing/in-flight", "{\"policy\":\"replay\",\"replayLimitBytes\":4096}");
        assertRequest(new String[] {"roles", "in-flight", "billing", "none"}, "DELETE",
                "/api/v1/roles/billing/in-flight", null);
    }

    @Test
    void shouldDeleteARoleOnlyWhenConfirmed() {
        CliRun unconfirmed = CliRun.run(api, "roles", "delete", "billing");
        assertThat(unconfirmed.exit()).isEqualTo(2);
        assertThat(api.requests()).isEmpty();

        api.answer(204, "");
        CliRun run = CliRun.run(api, "roles", "delete", "billing", "--yes");

        assertThat(run.exit()).isZero();
        assertThat(api.only().method()).isEqualTo("DELETE");
        assertThat(api.only().uri().getPath()).isEqualTo("/api/v1/roles/billing");
        assertThat(run.out()).isEqualTo("deleted role billing; its host stops it and gateways close its listener\n");
    }

    @Test
    void shouldAskWhatIfAndPrintTheMovesAndStops() {
        api.answer(200, "{\"serverId\":\"srv-a\",\"scenario\":\"fails\",\"moves\":[{\"roleId\":\"billing\","
                + "\"from\":\"srv-a\",\"to\":\"srv-b\",\"epoch\":4,\"reason\":\"FAILOVER\",\"cause\":\"srv-a DOWN: if it "
                + "failed now\"}],\"stops\":[{\"roleId\":\"solo\",\"from\":\"srv-a\",\"cause\":\"no other server\"}]}");

        CliRun run = CliRun.run(api, "servers", "what-if", "srv-a", "fails");

        assertThat(run.exit()).isZero();
        assertThat(api.only().uri().getPath()).isEqualTo("/api/v1/what-if");
        assertThat(api.only().jsonBody()).isEqualTo("{\"serverId\":\"srv-a\",\"scenario\":\"fails\"}");
        assertThat(run.out()).isEqualTo("if srv-a fails now (nothing changed):\n"
                + "  move billing: srv-a -> srv-b (FAILOVER: srv-a DOWN: if it failed now)\n"
                + "  stop solo: no other server\n");
    }

    @Test
    void shouldRefuseAFailbackWindowThatIsNotTwoHours() {
        CliRun run = CliRun.run(api, "roles", "failback-window", "billing", "night");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines()[0]).isEqualTo("baton: FROM-TO must be two hours such as 22-6, or none, was 'night'");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void shouldShowWhichRolesMaintenanceWouldStopAndForceItOnlyWhenAsked() {
        api.answer(409, "{\"code\":409,\"message\":\"maintenance of server-a would leave 1 roles with no eligible"
                + " server, so they would stop: billing; repeat with ?force=true to do it anyway\",\"validationErrors\":"
                + "[\"billing: no other eligible server (server-b is DOWN)\"]}");

        CliRun refused = CliRun.run(api, "servers", "maintenance", "server-a", "on");

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("would stop: billing", "billing: no other eligible server (server-b is DOWN)");
        assertThat(api.only().uri().getRawQuery()).isNull();

        FakeApiClient forcing = new FakeApiClient().answer(200, "{\"serverId\":\"server-a\",\"kind\":\"EXPANSION\","
                + "\"host\":\"agent-a\",\"state\":\"MAINTENANCE\",\"maintenance\":true,\"roles\":[]}");
        CliRun forced = CliRun.run(forcing, "servers", "maintenance", "server-a", "on", "--force");

        assertThat(forced.exit()).isZero();
        assertThat(forcing.only().uri().getRawPath()).isEqualTo("/api/v1/servers/server-a/maintenance");
        assertThat(forcing.only().uri().getRawQuery()).isEqualTo("force=true");
    }

    private void assertRequest(String[] args, String method, String path, String body) {
        FakeApiClient client = new FakeApiClient();
        String answer = args[0].equals("servers")
                ? "{\"serverId\":\"server-a\",\"kind\":\"EXPANSION\",\"host\":\"agent-a\",\"state\":\"MAINTENANCE\","
                        + "\"maintenance\":true,\"maintenanceBy\":\"admin-api\",\"roles\":[]}"
                : ROLE;
        client.answer(200, answer);
        CliRun run = CliRun.run(client, args);
        assertThat(run.exit()).as(String.join(" ", args) + ": " + run.err()).isZero();
        assertThat(client.only().method()).isEqualTo(method);
        assertThat(client.only().uri().getRawPath()).isEqualTo(path);
        assertThat(client.only().jsonBody()).isEqualTo(body);
    }

    @Test
    void shouldEncodeIdsInPaths() {
        CliRun run = CliRun.run(api, "roles", "show", "a b/c");

        assertThat(run.exit()).isZero();
        assertThat(api.only().uri().getRawPath()).isEqualTo("/api/v1/roles/a%20b%2Fc");
    }

    @Test
    void shouldPrintAManualMove() {
        api.answer(200, "{\"roleId\":\"billing\",\"from\":\"server-a\",\"to\":\"server-b\",\"epoch\":5,"
                + "\"reason\":\"MANUAL\",\"cause\":\"moved by admin-api\"}");

        CliRun run = CliRun.run(api, "roles", "move", "billing", "server-b");

        assertThat(api.only().jsonBody()).isEqualTo("{\"to\":\"server-b\"}");
        assertThat(run.out()).isEqualTo("billing moved server-a -> server-b at epoch 5 (MANUAL: moved by admin-api)\n");
    }

    @Test
    void shouldReleaseTheSafetyBrake() {
        api.answer(202, "{\"released\":true,\"servers\":[\"server-a\",\"server-b\"],\"message\":\"m\"}");

        CliRun run = CliRun.run(api, "servers", "release-brake");

        assertThat(run.exit()).isZero();
        assertThat(api.only().method()).isEqualTo("POST");
        assertThat(api.only().uri()).hasToString("http://127.0.0.1:8081/api/v1/safety-brake/release");
        assertThat(run.out()).isEqualTo("safety brake released: server-a,server-b will be declared DOWN and their roles"
                + " fail over\n");
    }

    @Test
    void shouldResetARolesRestartBudget() {
        api.answer(200, "{\"roleId\":\"billing\",\"resourceFailuresCleared\":3}");

        CliRun run = CliRun.run(api, "roles", "reset-budget", "billing");

        assertThat(run.exit()).isZero();
        assertThat(api.only().method()).isEqualTo("POST");
        assertThat(api.only().uri()).hasToString("http://127.0.0.1:8081/api/v1/roles/billing/restart-budget/reset");
        assertThat(run.out()).isEqualTo("restart budget of billing reset (3 recent resource failures forgotten); a held"
                + " role may move at the placement's next round\n");
    }

    @Test
    void shouldReportAnApiErrorAsOneLineWithItsValidationErrorsAndExitOne() {
        api.answer(422, "{\"code\":422,\"message\":\"role billing rejected: 2 problems\",\"validationErrors\":"
                + "[\"database.server: '(local)' is a database on the local machine\",\"servers: x is not registered\"]}");

        CliRun run = CliRun.run(api, "roles", "create", "billing", "--servers", "x", "--db-server", "(local)",
                "--db-host", "h", "--db-port", "1");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("baton: placement API answered 422: role billing rejected: 2 problems; "
                + "database.server: '(local)' is a database on the local machine; servers: x is not registered");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldHintAtTheTokenOnA401() {
        api.answer(401, "{\"code\":401,\"message\":\"invalid bearer token\",\"validationErrors\":[]}");

        CliRun run = CliRun.run(api, "roles", "list");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines())
                .containsExactly("baton: placement API answered 401: invalid bearer token (check --token or BATON_API_TOKEN)");
    }

    @Test
    void shouldNameTheUrlAndAHintWhenTheApiRefusesConnections() {
        api.fail(new ConnectException());

        CliRun run = CliRun.run(api, "--api", "http://127.0.0.1:1", "servers", "list");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("baton: cannot connect to the placement API at http://127.0.0.1:1 "
                + "(connection refused): is it running? Set --api or BATON_API_URL to its URL");
    }

    @Test
    void shouldTreatABadUrlFromTheEnvironmentAsAUsageError() {
        CliRun run = CliRun.run(api, (b, t, f, w) -> null, Map.of("BATON_API_URL", "placement:8081"), Clock.systemUTC(),
                "roles", "list");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines()[0]).isEqualTo("baton: BATON_API_URL: 'placement:8081' is not an http:// or https:// "
                + "URL, e.g. http://127.0.0.1:8081");
        assertThat(run.err()).contains("Usage: baton roles list");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void shouldExitTwoOnUsageErrors() {
        assertThat(CliRun.run(api).exit()).isEqualTo(2);
        assertThat(CliRun.run(api, "roles").exit()).isEqualTo(2);
        assertThat(CliRun.run(api, "roles", "show").exit()).isEqualTo(2);
        assertThat(CliRun.run(api, "roles", "failback", "billing", "maybe").exit()).isEqualTo(2);
        assertThat(CliRun.run(api, "roles", "create", "r", "--servers", "a", "--failback-delay", "30").exit())
                .isEqualTo(2);
        CliRun unknown = CliRun.run(api, "roles", "lists");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Did you mean: roles list");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void shouldPrintHelpAndExitZero() {
        CliRun run = CliRun.run(api, "roles", "create", "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--servers=SERVER").contains("--db-server=NAME").contains("BATON_API_URL");
    }

    @Test
    void shouldQueryTheAuditHistoryWithEncodedParametersAndTheAuditToken() {
        api.answer(200, "{\"events\":[{\"eventId\":\"0f5c0c4e-5b1a-4a51-9a70-8d3c2c1f8a11\",\"type\":\"RoleMoved\","
                + "\"roleId\":\"billing\",\"serverId\":\"server-b\",\"epoch\":2,\"occurredAt\":\"2026-01-31T10:00:00.210Z\","
                + "\"payload\":{\"type\":\"RoleMoved\",\"schemaVersion\":1,\"eventId\":\"0f5c0c4e-5b1a-4a51-9a70-8d3c2c1f8a11\","
                + "\"occurredAt\":\"2026-01-31T10:00:00.210Z\",\"roleId\":\"billing\",\"epoch\":2,\"from\":\"server-a\","
                + "\"to\":\"server-b\",\"reason\":\"FAILOVER\",\"cause\":\"server-a DOWN\","
                + "\"decidedAt\":\"2026-01-31T10:00:00.200Z\"}}],\"nextCursor\":\"abc\"}");

        CliRun run = CliRun.run(api, (b, t, f, w) -> null, Map.of("BATON_API_TOKEN", "api-token",
                "BATON_AUDIT_TOKEN", "audit-token"), Clock.systemUTC(), "audit", "history", "billing", "--from",
                "2026-01-31T11:00:00+01:00", "--type", "RoleMoved,ServerDown", "--limit", "10");

        assertThat(run.exit()).isZero();
        ApiRequest request = api.only();
        assertThat(request.uri()).hasToString("http://127.0.0.1:8083/api/v1/roles/billing/history"
                + "?type=RoleMoved%2CServerDown&from=2026-01-31T11%3A00%3A00%2B01%3A00&limit=10");
        assertThat(request.bearerToken()).isEqualTo("audit-token");
        assertThat(run.out()).contains("2026-01-31T10:00:00.210Z  RoleMoved  server-b  2      "
                + "epoch=2 server-a -> server-b FAILOVER (server-a DOWN)");
        assertThat(run.errLines()).containsExactly("more rows: repeat with --cursor abc");
    }

    @Test
    void shouldListFailoversWithTheirDurations() {
        api.answer(200, "{\"failovers\":[{\"moveEventId\":\"0f5c0c4e-5b1a-4a51-9a70-8d3c2c1f8a11\",\"roleId\":\"role-1\","
                + "\"epoch\":2,\"from\":\"srv-1\",\"to\":\"srv-2\",\"reason\":\"FAILOVER\",\"cause\":\"srv-1 DOWN\","
                + "\"movedAt\":\"2025-01-31T10:00:00.210Z\",\"detectToDecideMs\":200,\"decideToRunningMs\":700,"
                + "\"runningToReconnectedMs\":null,\"totalMs\":null,\"connectionsMoved\":null}],\"nextCursor\":null}");

        CliRun run = CliRun.run(api, "audit", "failovers", "--role", "role-1");

        assertThat(run.exit()).isZero();
        assertThat(api.only().uri().toString()).endsWith("/api/v1/failovers?role=role-1");
        assertThat(run.out()).contains("2025-01-31T10:00:00.210Z  role-1  2      srv-1  srv-2  FAILOVER  -      200 ms");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void shouldNameTheAuditApiInItsErrors() {
        api.fail(new ConnectException());

        CliRun run = CliRun.run(api, "audit", "failovers");

        assertThat(run.errLines()).containsExactly("baton: cannot connect to the audit API at http://127.0.0.1:8083 "
                + "(connection refused): is it running? Set --audit or BATON_AUDIT_URL to its URL");
    }
}
