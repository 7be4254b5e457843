package dev.baton.cli.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.DatabaseRef;
import dev.baton.events.DeadLetter;
import dev.baton.events.Endpoint;
import dev.baton.events.Heartbeat;
import dev.baton.events.HostedRole;
import dev.baton.events.MaintenanceEnded;
import dev.baton.events.SafetyBrakeEngaged;
import dev.baton.events.SafetyBrakeReleased;
import dev.baton.events.MaintenanceStarted;
import dev.baton.events.MoveReason;
import dev.baton.events.PlacementHeartbeat;
import dev.baton.events.ProxyDrained;
import dev.baton.events.ProxyReconnectFailed;
import dev.baton.events.ProxyReconnected;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.RoleDraining;
import dev.baton.events.RoleUnplaced;
import dev.baton.events.ServerDown;
import dev.baton.events.ServerJoined;
import dev.baton.events.ServerKind;
import dev.baton.events.ServerUp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventLineTest {
    private static final Instant AT = Instant.parse("2026-11-25T10:01:02.345Z");
    private static final UUID ID = UUID.fromString("019593a1-7c00-7001-8000-000000000001");

    @Test
    void shouldPrintARoleMoveAsOneReadableLine() {
        RoleMoved moved = new RoleMoved(ID, AT, "billing", 4, "server-a", "server-b", MoveReason.FAILOVER,
                "server-a DOWN: no heartbeat for 812 ms", AT, AT);

        assertThat(EventLine.of("role-events", moved)).isEqualTo("2026-11-25T10:01:02.345Z role-events RoleMoved billing "
                + "epoch=4 server-a -> server-b FAILOVER (server-a DOWN: no heartbeat for 812 ms)");
    }

    @Test
    void shouldPrintAnInitialPlacementWithoutFrom() {
        RoleMoved moved = new RoleMoved(ID, AT, "billing", 1, null, "server-a", MoveReason.INITIAL, "first placement",
                null, AT);

        assertThat(EventLine.details(moved)).isEqualTo("epoch=1 -> server-a INITIAL (first placement)");
    }

    @Test
    void shouldDescribeEveryRoleEvent() {
        assertThat(EventLine.details(new RoleStateChanged(ID, AT, "billing", "server-b", 4, RoleState.RUNNING,
                new Endpoint("agent-b", 47001), "listening after 1840 ms")))
                .isEqualTo("epoch=4 server-b RUNNING at agent-b:47001 (listening after 1840 ms)");
        assertThat(EventLine.details(new RoleUnplaced(ID, AT, "billing", 4, "server-b", "no eligible server", AT)))
                .isEqualTo("epoch=4 unplaced from server-b (no eligible server)");
        assertThat(EventLine.details(new RoleAssignment(ID, AT, "billing", 4, "server-b", new Endpoint("agent-b", 47001),
                MoveReason.FAILOVER))).isEqualTo("epoch=4 server-b at agent-b:47001 FAILOVER");
        assertThat(EventLine.details(new RoleAssignment(ID, AT, "billing", 5, null, null, MoveReason.FAILOVER)))
                .isEqualTo("epoch=5 (no server) FAILOVER");
        assertThat(EventLine.details(new RoleAssignment(ID, AT, "billing", 6, "server-c", null, MoveReason.MAINTENANCE,
                "server-b"))).isEqualTo("epoch=6 server-c MAINTENANCE (waits for server-b to stop it)");
        assertThat(EventLine.details(new RoleDraining(ID, AT, "billing", 5, "server-b", "server-c",
                MoveReason.MAINTENANCE, "server-b in maintenance")))
                .isEqualTo("epoch=5 draining server-b before MAINTENANCE -> server-c (server-b in maintenance)");
        assertThat(EventLine.details(new ProxyDrained(ID, AT, "billing", "gw-1", 5, 12, 3, 1, 240)))
                .isEqualTo("gw-1 epoch=5 drained 12 connections in 240 ms (3 awaited an answer, 1 timed out)");
        assertThat(EventLine.details(new RoleConfigured(ID, AT, "billing", 3, List.of("a", "b"), true, 60_000,
                new DatabaseRef("DBHOST\\SQLEXPRESS", "dbhost", 1433), null, "admin-api")))
                .isEqualTo("version=3 servers=a,b failback=on after 1 min database=DBHOST\\SQLEXPRESS (dbhost:1433) "
                        + "plugin=sample by admin-api");
        assertThat(EventLine.details(new RoleConfigured(ID, AT, "billing", 4, List.of("a"), false, 0, null, null,
                "admin-api", 7001))).isEqualTo("version=4 servers=a failback=off database=none plugin=sample "
                        + "gatewayPort=7001 by admin-api");
    }

    @Test
    void shouldDescribeEveryServerEvent() {
        assertThat(EventLine.of("server-events", new ServerJoined(ID, AT, "server-c", "c41d07b2", "agent-c",
                ServerKind.EXPANSION))).isEqualTo("2026-11-25T10:01:02.345Z server-events ServerJoined server-c "
                        + "joined as EXPANSION at agent-c (incarnation c41d07b2)");
        assertThat(EventLine.details(new ServerDown(ID, AT, "server-a", "5be0", AT.minusMillis(812),
                "no heartbeat for 812 ms (timeout 700 ms)")))
                .isEqualTo("DOWN: no heartbeat for 812 ms (timeout 700 ms) (last heartbeat 2026-11-25T10:01:01.533Z)");
        assertThat(EventLine.details(new ServerUp(ID, AT, "server-a", "9a21", "agent-a")))
                .isEqualTo("UP at agent-a (incarnation 9a21)");
        assertThat(EventLine.details(new MaintenanceStarted(ID, AT, "server-a", "alice")))
                .isEqualTo("maintenance started by alice");
        assertThat(EventLine.details(new MaintenanceEnded(ID, AT, "server-a", "alice")))
                .isEqualTo("maintenance ended by alice");
    }

    @Test
    void shouldDescribeTheSafetyBrakeGoingOnAndOff() {
        assertThat(EventLine.of("server-events", new SafetyBrakeEngaged(ID, AT, "placement-1", AT.minusMillis(40),
                List.of("server-a", "server-b"), 3, "2 of 3 servers fell silent at once")))
                .isEqualTo("2026-11-25T10:01:02.345Z server-events SafetyBrakeEngaged placement-1 safety brake ON: 2 of 3"
                        + " servers silent (server-a, server-b); failovers held since 2026-11-25T10:01:02.305Z");
        assertThat(EventLine.details(new SafetyBrakeReleased(ID, AT, "placement-1", null,
                "the silent servers are heard again")))
                .isEqualTo("safety brake OFF: the silent servers are heard again");
    }

    @Test
    void shouldDescribeProxyEventsDeadLettersAndHeartbeats() {
        assertThat(EventLine.details(new ProxyReconnected(ID, AT, "billing", "gw-1", 7, 12, 840, 2048)))
                .isEqualTo("gw-1 epoch=7 moved 12 connections in 840 ms (2048 bytes buffered)");
        assertThat(EventLine.details(
                new ProxyReconnected(ID, AT, "billing", "gw-1", 7, 12, 840, 2048, 9, 3, 2, 96L, null, null)))
                .isEqualTo("gw-1 epoch=7 moved 12 connections in 840 ms (2048 bytes buffered; 9 idle, 3 replayed,"
                        + " 2 closed awaiting an answer)");
        assertThat(EventLine.details(new ProxyReconnectFailed(ID, AT, "billing", "gw-1", 7, 1, "refused")))
                .isEqualTo("gw-1 epoch=7 closed 1 connection: refused");
        DeadLetter dead = new DeadLetter(ID, AT, "baton.role-events", 2, 1187, "billing",
                "RoleMoved: missing required field 'epoch'", "{}", null, "placement-1");
        assertThat(EventLine.of("dead-letters", dead)).isEqualTo("2026-11-25T10:01:02.345Z dead-letters DeadLetter "
                + "billing from baton.role-events/2@1187 rejected by placement-1: RoleMoved: missing required field 'epoch'");
        assertThat(EventLine.details(new Heartbeat(ID, AT, "server-b", "7f3c", 4182, "agent-b", ServerKind.EXPANSION,
                List.of(new HostedRole("billing", 7, RoleState.RUNNING, null)), List.of(), true)))
                .isEqualTo("seq=4182 EXPANSION agent-b roles=billing@7:RUNNING leaving");
        assertThat(EventLine.details(new PlacementHeartbeat(ID, AT, "placement-1", "3c9e", 5120, 4, true,
                "http://placement-1:8081"))).isEqualTo("term=4 leader seq=5120 admin http://placement-1:8081");
    }

    @Test
    void shouldPrintUndecodableRecordsWithTheirReason() {
        assertThat(EventLine.undecodable("role-events", AT, null, "empty record value"))
                .isEqualTo("2026-11-25T10:01:02.345Z role-events ? - undecodable: empty record value");
    }
}
