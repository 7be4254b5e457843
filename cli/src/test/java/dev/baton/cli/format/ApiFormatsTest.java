package dev.baton.cli.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ApiFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void shouldShowARoleWithEveryProperty() throws Exception {
        JsonNode role = json("""
                {"roleId":"billing","version":3,"servers":["server-a","server-b"],"forceHighestPriority":false,
                 "failbackDelayMs":0,"plugin":{"kind":"command","command":["/opt/billing","--port","{port}"],
                 "environment":{"A":"****"},"port":47001},"gatewayPort":7001,"inFlight":{"policy":"replay",
                 "replayLimitBytes":4096},"updatedBy":"admin-api",
                 "updatedAt":"2026-11-25T10:00:00Z","held":"waiting for server-a to reach its database",
                 "state":"HELD","stateReason":"waiting for server-a to reach its database"}""");

        assertThat(ApiFormats.role(role)).isEqualTo("""
                role:            billing
                servers:         server-a,server-b (highest priority first)
                state:           HELD: waiting for server-a to reach its database
                hosting server:  none
                epoch:           -
                failback:        off
                database:        none
                plugin:          command: /opt/billing --port {port}, port 47001
                gateway port:    7001
                in flight:       replay (up to 4096 bytes)
                version:         3, changed 2026-11-25T10:00:00.000Z by admin-api
                """);
    }

    @Test
    void shouldListEachRolesStateAndWhyItDoesNotServe() throws Exception {
        String text = ApiFormats.roles(json("""
                {"roles":[
                 {"roleId":"billing","version":1,"servers":["a","b"],"forceHighestPriority":false,"failbackDelayMs":0,
                  "hostingServer":"a","epoch":4,"state":"RUNNING"},
                 {"roleId":"hr","version":1,"servers":["a","b"],"forceHighestPriority":false,"failbackDelayMs":0,
                  "epoch":2,"state":"UNPLACED","stateReason":"every server is down or in maintenance: a is DOWN"}]}
                """));

        assertThat(text).isEqualTo("""
                ROLE     STATE     HOST  EPOCH  SERVERS  FAILBACK  DATABASE  GATEWAY  VERSION  NOTE
                billing  RUNNING   a     4      a,b      off       none      -        1        -
                hr       UNPLACED  -     2      a,b      off       none      -        1        every server is down or in maintenance: a is DOWN
                """);
    }

    @Test
    void shouldListRolesWithTheirGatewayPort() throws Exception {
        String text = ApiFormats.roles(json("""
                {"roles":[
                 {"roleId":"billing","version":1,"servers":["server-a"],"forceHighestPriority":false,
                  "failbackDelayMs":0,"updatedBy":"admin-api","updatedAt":"2026-11-25T10:00:00Z"},
                 {"roleId":"reports","version":3,"servers":["server-b"],"forceHighestPriority":false,
                  "failbackDelayMs":0,"gatewayPort":7002,"updatedBy":"admin-api","updatedAt":"2026-11-25T10:00:00Z"}]}
                """));

        assertThat(text).isEqualTo("""
                ROLE     STATE  HOST  EPOCH  SERVERS   FAILBACK  DATABASE  GATEWAY  VERSION  NOTE
                billing  -      -     -      server-a  off       none      -        1        -
                reports  -      -     -      server-b  off       none      7002     3        -
                """);
    }

    @Test
    void shouldWarnThatRolesListedFromThePlacementsMemoryMayBeStale() throws Exception {
        String text = ApiFormats.roles(json("""
                {"roles":[],"stale":"the placement database does not answer: role configuration as loaded at 2026-12-03T17:00:00Z, it may be stale; hosts and states are current"}
                """));

        assertThat(text).startsWith("warning: the placement database does not answer: role configuration as loaded at"
                + " 2026-12-03T17:00:00Z, it may be stale; hosts and states are current\n");
    }

    @Test
    void shouldSaySoWhenThereAreNoRolesOrServers() throws Exception {
        assertThat(ApiFormats.roles(json("{\"roles\":[]}"))).isEqualTo("no roles\n");
        assertThat(ApiFormats.servers(json("{\"servers\":[]}")))
                .isEqualTo("no servers (a server registers with its first heartbeat)\n");
    }

    @Test
    void shouldListServersWithMaintenanceAndDownCause() throws Exception {
        String text = ApiFormats.servers(json("""
                {"servers":[
                 {"serverId":"server-a","kind":"EXPANSION","host":"agent-a","firstSeenAt":"2026-11-25T09:00:00Z",
                  "state":"MAINTENANCE","maintenance":true,"maintenanceBy":"admin-api",
                  "maintenanceSince":"2026-11-25T10:00:00Z","roles":[]},
                 {"serverId":"server-b","kind":"EXPANSION","host":"agent-b","firstSeenAt":"2026-11-25T09:00:00Z",
                  "state":"DOWN","downCause":"no heartbeat for 812 ms","maintenance":false,"roles":["billing","hr"]}]}
                """));

        assertThat(text).isEqualTo("""
                SERVER    KIND       STATE        HOST     ROLES       NOTE
                server-a  EXPANSION  MAINTENANCE  agent-a  -           maintenance by admin-api since 2026-11-25T10:00:00.000Z
                server-b  EXPANSION  DOWN         agent-b  billing,hr  no heartbeat for 812 ms
                """);
    }

    @Test
    void shouldShowTheFailoverTimelineOfTheAuditDocumentation() throws Exception {
        String text = ApiFormats.failovers(json("""
                {"failovers":[{"moveEventId":"0f5c0c4e-5b1a-4a51-9a70-8d3c2c1f8a11","roleId":"role-1","epoch":2,
                  "from":"srv-1","to":"srv-2","reason":"FAILOVER","cause":"srv-1 DOWN: no heartbeat for 900 ms",
                  "movedAt":"2025-01-31T10:00:00.210Z","serverDownDetectedAt":"2025-01-31T10:00:00Z",
                  "decidedAt":"2025-01-31T10:00:00.200Z","runningAt":"2025-01-31T10:00:00.900Z",
                  "clientsReconnectedAt":"2025-01-31T10:00:01.150Z","connectionsMoved":4,"connectionsIdle":3,
                  "connectionsReplayed":1,"connectionsClosedAwaiting":2,"detectToDecideMs":200,
                  "decideToRunningMs":700,"runningToReconnectedMs":250,"totalMs":1150}],"nextCursor":null}"""));

        assertThat(text.split("\n")).containsExactly(
                "MOVED AT                  ROLE    EPOCH  FROM   TO     REASON    DRAIN  DETECT>DECIDE  DECIDE>RUNNING  "
                        + "RUNNING>RECONNECTED  TOTAL    CONNECTIONS  CLOSED AWAITING  CAUSE",
                "2025-01-31T10:00:00.210Z  role-1  2      srv-1  srv-2  FAILOVER  -      200 ms         700 ms          "
                        + "250 ms               1150 ms  4            2                srv-1 DOWN: no heartbeat for 900 ms");
    }

    @Test
    void shouldShowHowLongAPlannedMoveWaitedForTheDrain() throws Exception {
        String text = ApiFormats.failovers(json("""
                {"failovers":[{"roleId":"role-1","epoch":3,"from":"srv-2","to":"srv-1","reason":"MAINTENANCE",
                  "cause":"srv-2 in maintenance","movedAt":"2025-01-31T10:00:00.210Z","drainWaitMs":84,
                  "decideToRunningMs":420,"totalMs":560}],"nextCursor":null}"""));

        assertThat(text.split("\n")[1]).contains("MAINTENANCE  84 ms  -              420 ms");
    }

    @Test
    void shouldShowStoredEventsThatDoNotDecodeByTheirReason() throws Exception {
        String text = ApiFormats.history(json("""
                {"events":[{"eventId":"0f5c0c4e-5b1a-4a51-9a70-8d3c2c1f8a11","type":"DeadLetter","roleId":"billing",
                  "occurredAt":"2026-11-25T10:00:00Z","payload":{"type":"DeadLetter","reason":"malformed JSON"}}],
                 "nextCursor":null}"""));

        assertThat(text).endsWith("2026-11-25T10:00:00.000Z  DeadLetter  -       -      malformed JSON\n");
        assertThat(ApiFormats.history(json("{\"events\":[],\"nextCursor\":null}"))).isEqualTo("no events\n");
    }
}
