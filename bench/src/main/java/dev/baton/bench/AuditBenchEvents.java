package dev.baton.bench;

import dev.baton.events.BatonEvent;
import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import dev.baton.events.ProxyReconnectFailed;
import dev.baton.events.ProxyReconnected;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.ServerDown;
import dev.baton.events.ServerUp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The audit benchmark's events: what a busy installation publishes on the audited topics, spread over {@code roles}
 * roles and {@value #SERVERS} servers, in time order. First each role's configuration, then failovers, one role
 * after another: the RoleMoved, the new host's STARTING and RUNNING, the old host's STOPPED, the gateway's
 * ProxyReconnected; every 50th failover the old host's ServerDown and ServerUp, every 100th a new configuration,
 * every 500th a ProxyReconnectFailed. About 1 in 5 events is a RoleMoved; every event but the server events
 * belongs to a role.
 */
final class AuditBenchEvents {
    static final int SERVERS = 20;
    /** Between two consecutive events. */
    static final long STEP_MILLIS = 2_000;

    private final int roles;
    private final Instant start;
    private long episode;
    private long step;

    AuditBenchEvents(int roles, Instant start) {
        this.roles = roles;
        this.start = start;
    }

    static String roleId(int role) {
        return String.format(Locale.ROOT, "role-%04d", role);
    }

    static String serverId(long server) {
        return String.format(Locale.ROOT, "srv-%02d", server % SERVERS);
    }

    /** The next events, in order: every role's configuration first, then one failover per call. */
    List<BatonEvent> next() {
        List<BatonEvent> events = new ArrayList<>();
        if (step == 0) {
            for (int role = 0; role < roles; role++) {
                events.add(configured(role, 1));
            }
            return events;
        }
        int role = (int) (episode % roles);
        long epoch = episode / roles + 1;
        String roleId = roleId(role);
        String from = epoch == 1 ? null : serverId(role + epoch - 1);
        String to = serverId(role + epoch);
        if (from != null && episode % 50 == 0) {
            events.add(new ServerDown(UUID.randomUUID(), at(), from, "inc-" + epoch, at().minusMillis(900),
                    "no heartbeat for 900 ms"));
        }
        Instant decided = at();
        events.add(new RoleMoved(UUID.randomUUID(), at(), roleId, epoch, from, to,
                from == null ? MoveReason.INITIAL : MoveReason.FAILOVER,
                from == null ? "first placement" : from + " DOWN: no heartbeat for 900 ms",
                from == null ? null : decided.minusMillis(200), decided));
        events.add(new RoleStateChanged(UUID.randomUUID(), at(), roleId, to, epoch, RoleState.STARTING, null, null));
        events.add(new RoleStateChanged(UUID.randomUUID(), at(), roleId, to, epoch, RoleState.RUNNING,
                new Endpoint("10.0.0." + (1 + (role + epoch) % SERVERS), 47_000 + role), "listening"));
        if (from != null) {
            events.add(new RoleStateChanged(UUID.randomUUID(), at(), roleId, from, epoch - 1, RoleState.STOPPED, null,
                    "assigned to " + to + " at epoch " + epoch));
        }
        if (episode % 500 == 499) {
            events.add(new ProxyReconnectFailed(UUID.randomUUID(), at(), roleId, "gw-1", epoch, 1, "switch timeout"));
        } else {
            events.add(new ProxyReconnected(UUID.randomUUID(), at(), roleId, "gw-1", epoch, 3, 150, 2048));
        }
        if (from != null && episode % 50 == 0) {
            events.add(new ServerUp(UUID.randomUUID(), at(), from, "inc-" + (epoch + 1), "10.0.0.1"));
        }
        if (episode % 100 == 99) {
            events.add(configured(role, epoch + 1));
        }
        episode++;
        return events;
    }

    private RoleConfigured configured(int role, long version) {
        List<String> servers = List.of(serverId(role), serverId(role + 1), serverId(role + 2));
        return new RoleConfigured(UUID.randomUUID(), at(), roleId(role), version, servers, version % 2 == 0, 5_000,
                null, null, "ops");
    }

    /** The next event's time: {@link #STEP_MILLIS} after the previous one. */
    private Instant at() {
        return start.plusMillis(STEP_MILLIS * step++);
    }
}
