package dev.baton.audit;

import dev.baton.events.BatonEvent;
import dev.baton.events.DatabaseRef;
import dev.baton.events.DeadLetter;
import dev.baton.events.Endpoint;
import dev.baton.events.MaintenanceStarted;
import dev.baton.events.MoveReason;
import dev.baton.events.ProxyReconnectFailed;
import dev.baton.events.ProxyReconnected;
import dev.baton.events.RoleConfigured;
import dev.baton.events.ProxyDrained;
import dev.baton.events.RoleDraining;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.RoleUnplaced;
import dev.baton.events.ServerDown;
import dev.baton.events.ServerJoined;
import dev.baton.events.ServerKind;
import dev.baton.events.ServerUp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Events for tests, and a scripted failover whose timeline is known. */
public final class Samples {
    /** The instant the scripted failover's server is detected DOWN. */
    public static final Instant FAILOVER_DETECTED = Instant.parse("2021-03-04T10:00:00Z");

    private Samples() {
    }

    public static RoleMoved moved(String role, long epoch, String from, String to, MoveReason reason, Instant detectedAt,
            Instant decidedAt, Instant occurredAt) {
        return new RoleMoved(UUID.randomUUID(), occurredAt, role, epoch, from, to, reason,
                from == null ? "first placement" : from + " DOWN: no heartbeat", detectedAt, decidedAt);
    }

    public static RoleStateChanged state(String role, String server, long epoch, RoleState state, Instant at) {
        return new RoleStateChanged(UUID.randomUUID(), at, role, server, epoch, state,
                state == RoleState.RUNNING ? new Endpoint("10.0.0.9", 7001) : null, null);
    }

    public static ServerDown down(String server, Instant at) {
        return new ServerDown(UUID.randomUUID(), at, server, "inc-1", at.minusMillis(900), "no heartbeat for 900 ms");
    }

    public static ServerUp up(String server, Instant at) {
        return new ServerUp(UUID.randomUUID(), at, server, "inc-2", "10.0.0.1");
    }

    public static ServerJoined joined(String server, Instant at) {
        return new ServerJoined(UUID.randomUUID(), at, server, "inc-1", "10.0.0.1", ServerKind.MAIN);
    }

    public static MaintenanceStarted maintenance(String server, Instant at) {
        return new MaintenanceStarted(UUID.randomUUID(), at, server, "ops");
    }

    /** A gateway's report with in-flight counts: {@code replayed} of the moved connections, the rest idle. */
    public static ProxyReconnected reconnected(String role, long epoch, int connections, int replayed,
            int closedAwaiting, Instant at) {
        return new ProxyReconnected(UUID.randomUUID(), at, role, "gw-2", epoch, connections, 150, 2048,
                connections - replayed, replayed, closedAwaiting, 64L * replayed, 0, 0L);
    }

    public static ProxyReconnected reconnected(String role, long epoch, int connections, Instant at) {
        return new ProxyReconnected(UUID.randomUUID(), at, role, "gw-1", epoch, connections, 150, 2048);
    }

    public static ProxyReconnectFailed reconnectFailed(String role, long epoch, Instant at) {
        return new ProxyReconnectFailed(UUID.randomUUID(), at, role, "gw-1", epoch, 2, "switch timeout");
    }

    public static RoleConfigured configured(String role, List<String> servers, Instant at) {
        return new RoleConfigured(UUID.randomUUID(), at, role, 1, servers, true, 5000,
                new DatabaseRef("DBHOST\\SQLEXPRESS", "db.example", 1433), null, "alice");
    }

    public static RoleUnplaced unplaced(String role, long epoch, Instant at) {
        return new RoleUnplaced(UUID.randomUUID(), at, role, epoch, "srv-9", "no eligible server", at);
    }

    public static DeadLetter deadLetter(Instant at) {
        return new DeadLetter(UUID.randomUUID(), at, "baton.heartbeats", 0, 42, "srv-1", "malformed JSON: oops",
                "{\"type\":", null, "placement-service");
    }

    /**
     * A role placed on srv-1, srv-1 going DOWN, the move to srv-2 (detectedAt absent, so the ServerDown gives the
     * detection time), RUNNING there, the gateway reconnecting; then a second failover to srv-3 that carries its
     * own detectedAt. Expected timeline of epoch 2: detected +0, decided +200 ms, RUNNING +900 ms, reconnected
     * +1150 ms. Epoch 3: detected +60 s, decided +60.1 s, RUNNING +60.5 s, reconnected +60.6 s.
     */
    /** The instant the scripted planned move's drain begins. */
    public static final Instant DRAIN_STARTED = Instant.parse("2023-05-06T08:00:00Z");

    /**
     * A maintenance move of {@code role} from srv-1 (epoch 1) to srv-2, drained first: the placement asks at
     * {@link #DRAIN_STARTED}, two gateways report within 120 ms, the move is decided at +150 ms, srv-2 runs it at
     * +700 ms and the gateways reconnect at +750 ms.
     */
    public static List<BatonEvent> scriptedPlannedMove(String role) {
        Instant t = DRAIN_STARTED;
        List<BatonEvent> events = new ArrayList<>();
        events.add(moved(role, 1, null, "srv-1", MoveReason.INITIAL, null, t.minusSeconds(100), t.minusSeconds(100)));
        events.add(new RoleDraining(UUID.randomUUID(), t, role, 1, "srv-1", "srv-2", MoveReason.MAINTENANCE,
                "srv-1 in maintenance"));
        events.add(new ProxyDrained(UUID.randomUUID(), t.plusMillis(80), role, "gw-1", 1, 4, 2, 0, 70));
        events.add(new ProxyDrained(UUID.randomUUID(), t.plusMillis(120), role, "gw-2", 1, 1, 0, 0, 0));
        events.add(moved(role, 2, "srv-1", "srv-2", MoveReason.MAINTENANCE, null, t.plusMillis(150),
                t.plusMillis(160)));
        events.add(state(role, "srv-1", 1, RoleState.STOPPED, t.plusMillis(300)));
        events.add(state(role, "srv-2", 2, RoleState.RUNNING, t.plusMillis(700)));
        events.add(reconnected(role, 2, 5, t.plusMillis(750)));
        return events;
    }

    public static List<BatonEvent> scriptedFailover(String role) {
        return scriptedFailover(role, FAILOVER_DETECTED);
    }

    /** {@link #scriptedFailover(String)} with srv-1 detected DOWN at {@code t}. */
    public static List<BatonEvent> scriptedFailover(String role, Instant t) {
        List<BatonEvent> events = new ArrayList<>();
        events.add(configured(role, List.of("srv-1", "srv-2", "srv-3"), t.minusSeconds(120)));
        events.add(moved(role, 1, null, "srv-1", MoveReason.INITIAL, null, t.minusSeconds(100), t.minusSeconds(100)));
        events.add(state(role, "srv-1", 1, RoleState.STARTING, t.minusSeconds(100).plusMillis(100)));
        events.add(state(role, "srv-1", 1, RoleState.RUNNING, t.minusSeconds(99)));
        events.add(down("srv-1", t));
        events.add(moved(role, 2, "srv-1", "srv-2", MoveReason.FAILOVER, null, t.plusMillis(200), t.plusMillis(210)));
        events.add(state(role, "srv-2", 2, RoleState.STARTING, t.plusMillis(300)));
        events.add(state(role, "srv-2", 2, RoleState.RUNNING, t.plusMillis(900)));
        // A late report from the old host at the old epoch must not count as the new host running.
        events.add(state(role, "srv-1", 1, RoleState.RUNNING, t.plusMillis(950)));
        // One gateway reports its in-flight counts, another (older) does not.
        events.add(reconnected(role, 2, 3, 1, 2, t.plusMillis(1150)));
        events.add(reconnected(role, 2, 1, t.plusMillis(1400)));
        events.add(moved(role, 3, "srv-2", "srv-3", MoveReason.FAILOVER, t.plusSeconds(60), t.plusMillis(60_100),
                t.plusMillis(60_110)));
        events.add(state(role, "srv-3", 3, RoleState.RUNNING, t.plusMillis(60_500)));
        events.add(reconnected(role, 3, 2, t.plusMillis(60_600)));
        return events;
    }
}
