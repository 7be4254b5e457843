package dev.baton.cli.format;

import dev.baton.events.BatonEvent;
import dev.baton.events.DatabaseRef;
import dev.baton.events.DeadLetter;
import dev.baton.events.Endpoint;
import dev.baton.events.Heartbeat;
import dev.baton.events.HostedRole;
import dev.baton.events.MaintenanceEnded;
import dev.baton.events.MaintenanceStarted;
import dev.baton.events.PlacementHeartbeat;
import dev.baton.events.GatewayHeartbeat;
import dev.baton.events.ProxyDrained;
import dev.baton.events.ProxyReconnectFailed;
import dev.baton.events.ProxyReconnected;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.RoleDraining;
import dev.baton.events.RoleUnplaced;
import dev.baton.events.SafetyBrakeEngaged;
import dev.baton.events.SafetyBrakeReleased;
import dev.baton.events.ServerDown;
import dev.baton.events.ServerJoined;
import dev.baton.events.ServerUp;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * One readable line per event, for {@code baton events tail}:
 *
 * <pre>{@code
 * 2026-11-25T10:01:02.345Z role-events RoleMoved billing epoch=4 server-a -> server-b FAILOVER (server-a DOWN: no heartbeat for 812 ms)
 * }</pre>
 *
 * <p>That is: when it happened (the event's {@code occurredAt}, UTC, milliseconds), the topic without its
 * namespace, the event type, the entity it is about (the record key: role, server or placement instance) and what
 * happened. {@link #details(BatonEvent)} alone is the last part, which {@code baton audit history} shows too.
 */
public final class EventLine {
    private EventLine() {
    }

    /** The line of a decoded event read from {@code topic} (a name without namespace, e.g. {@code role-events}). */
    public static String of(String topic, BatonEvent event) {
        return Texts.instant(event.occurredAt()) + " " + topic + " " + event.type().wireName() + " "
                + Table.cell(event.key()) + " " + details(event);
    }

    /** The line of a record that is no valid event: its record timestamp, topic, key and why it was rejected. */
    public static String undecodable(String topic, Instant timestamp, String key, String reason) {
        return Texts.instant(timestamp) + " " + topic + " ? " + Table.cell(key) + " undecodable: "
                + Table.cell(reason);
    }

    /** What happened, without time, type and entity: {@code epoch=4 server-a -> server-b FAILOVER (cause)}. */
    public static String details(BatonEvent event) {
        if (event instanceof RoleMoved e) {
            return "epoch=" + e.epoch() + " " + (e.from() == null ? "" : e.from() + " ") + "-> " + e.to() + " "
                    + e.reason() + " (" + e.cause() + ")";
        } else if (event instanceof RoleStateChanged e) {
            return "epoch=" + e.epoch() + " " + e.serverId() + " " + e.state() + at(e.endpoint())
                    + (e.detail() == null ? "" : " (" + e.detail() + ")");
        } else if (event instanceof RoleUnplaced e) {
            return "epoch=" + e.epoch() + " unplaced" + (e.from() == null ? "" : " from " + e.from()) + " ("
                    + e.cause() + ")";
        } else if (event instanceof RoleDraining e) {
            return "epoch=" + e.epoch() + " draining " + e.from() + " before " + e.reason() + " -> " + e.to() + " ("
                    + e.cause() + ")";
        } else if (event instanceof RoleAssignment e) {
            return "epoch=" + e.epoch() + " " + (e.serverId() == null ? "(no server)" : e.serverId())
                    + at(e.endpoint()) + " " + e.reason()
                    + (e.handoverFrom() == null ? "" : " (waits for " + e.handoverFrom() + " to stop it)");
        } else if (event instanceof ServerJoined e) {
            return "joined as " + e.kind() + " at " + e.host() + " (incarnation " + e.incarnation() + ")";
        } else if (event instanceof ServerDown e) {
            return "DOWN: " + e.cause() + " (last heartbeat " + Texts.instant(e.lastHeartbeatAt()) + ")";
        } else if (event instanceof ServerUp e) {
            return "UP at " + e.host() + " (incarnation " + e.incarnation() + ")";
        } else if (event instanceof MaintenanceStarted e) {
            return "maintenance started by " + e.requestedBy();
        } else if (event instanceof MaintenanceEnded e) {
            return "maintenance ended by " + e.requestedBy();
        } else if (event instanceof SafetyBrakeEngaged e) {
            return "safety brake ON: " + e.silentServers().size() + " of " + e.serversHeard() + " servers silent ("
                    + String.join(", ", e.silentServers()) + "); failovers held since " + Texts.instant(e.since());
        } else if (event instanceof SafetyBrakeReleased e) {
            return "safety brake OFF: " + e.reason();
        } else if (event instanceof RoleConfigured e) {
            return "version=" + e.version() + " servers=" + String.join(",", e.servers()) + " failback="
                    + failback(e.forceHighestPriority(), e.failbackDelayMs()) + " database=" + database(e.database())
                    + " plugin=" + (e.plugin() == null ? "sample" : e.plugin().kind())
                    + (e.gatewayPort() == null ? "" : " gatewayPort=" + e.gatewayPort()) + " by " + e.changedBy();
        } else if (event instanceof ProxyReconnected e) {
            return e.gatewayId() + " epoch=" + e.epoch() + " moved " + e.connectionsMoved() + " connection"
                    + (e.connectionsMoved() == 1 ? "" : "s") + " in " + e.reconnectMillis() + " ms ("
                    + e.bytesBuffered() + " bytes buffered" + inFlight(e) + ")";
        } else if (event instanceof ProxyDrained e) {
            return e.gatewayId() + " epoch=" + e.epoch() + " drained " + e.connections() + " connection"
                    + (e.connections() == 1 ? "" : "s") + " in " + e.drainMillis() + " ms (" + e.connectionsAwaiting()
                    + " awaited an answer, " + e.connectionsTimedOut() + " timed out)";
        } else if (event instanceof GatewayHeartbeat e) {
            return "seq=" + e.sequence() + " drain timeout " + e.drainTimeoutMillis() + " ms";
        } else if (event instanceof ProxyReconnectFailed e) {
            return e.gatewayId() + " epoch=" + e.epoch() + " closed " + e.connectionsClosed() + " connection"
                    + (e.connectionsClosed() == 1 ? "" : "s") + ": " + e.reason();
        } else if (event instanceof DeadLetter e) {
            return "from " + e.sourceTopic() + "/" + e.sourcePartition() + "@" + e.sourceOffset() + " rejected by "
                    + e.rejectedBy() + ": " + e.reason();
        } else if (event instanceof Heartbeat e) {
            return "seq=" + e.sequence() + " " + e.kind() + " " + e.host() + " roles="
                    + (e.roles().isEmpty() ? "none" : e.roles().stream().map(EventLine::hosted)
                            .collect(Collectors.joining(",")))
                    + (Boolean.TRUE.equals(e.leaving()) ? " leaving" : "");
        } else if (event instanceof PlacementHeartbeat e) {
            return "term=" + e.term() + " " + (Boolean.TRUE.equals(e.leader()) ? "leader" : "standby") + " seq="
                    + e.sequence() + (e.adminUrl() == null ? "" : " admin " + e.adminUrl());
        }
        // Every event type is handled above; a newer one still prints something readable.
        return event.toString();
    }

    /** {@code off}, or {@code on after 30 s} (how long a higher-priority server must be UP first). */
    public static String failback(boolean forceHighestPriority, long delayMillis) {
        return forceHighestPriority ? "on after " + Texts.millis(delayMillis) : "off";
    }

    private static String database(DatabaseRef database) {
        return database == null ? "none" : database.server() + " (" + database.host() + ":" + database.port() + ")";
    }

    private static String hosted(HostedRole role) {
        return role.roleId() + "@" + role.epoch() + ":" + role.state();
    }

    private static String at(Endpoint endpoint) {
        return endpoint == null ? "" : " at " + endpoint.host() + ":" + endpoint.port();
    }

    /** The in-flight counts of a gateway that reports them; nothing for an older one. */
    private static String inFlight(ProxyReconnected e) {
        if (e.connectionsIdle() == null && e.connectionsReplayed() == null && e.connectionsClosedAwaiting() == null) {
            return "";
        }
        return "; " + count(e.connectionsIdle()) + " idle, " + count(e.connectionsReplayed()) + " replayed, "
                + count(e.connectionsClosedAwaiting()) + " closed awaiting an answer"
                + (e.connectionsDrained() == null || e.connectionsDrained() == 0 ? ""
                        : ", " + e.connectionsDrained() + " drained in up to " + e.drainMillis() + " ms");
    }

    private static String count(Integer value) {
        return value == null ? "?" : value.toString();
    }
}
