package dev.baton.placement.api;

import dev.baton.events.DatabaseRef;
import dev.baton.events.PluginSpec;
import dev.baton.placement.detector.ServerView;
import dev.baton.placement.policy.Assignment;
import dev.baton.placement.policy.Hold;
import dev.baton.placement.policy.Move;
import dev.baton.placement.policy.RoleStatus;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.ServerRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the admin API's answers (see {@code openapi.yaml}). Absent optional values are omitted, as in
 * the events. The state shown next to stored configuration comes from the placement loop's latest snapshot, which
 * may be null before the loop's first round: servers are then UNKNOWN and roles have no host.
 */
final class AdminJson {
    /** The state of a server the placement has not seen heartbeating since it started. */
    static final String UNKNOWN = "UNKNOWN";
    /** Plugin environment values may hold secrets: answers show the names only. */
    static final String MASKED = "****";

    private AdminJson() {
    }

    static JsonObject role(RoleDefinition role, PlacementSnapshot snapshot) {
        JsonObject json = new JsonObject()
                .put("roleId", role.roleId())
                .put("version", role.version())
                .put("servers", new JsonArray(new ArrayList<>(role.servers())))
                .put("forceHighestPriority", role.forceHighestPriority())
                .put("failbackDelayMs", role.failbackDelay().toMillis());
        if (role.database() != null) {
            json.put("database", database(role.database()));
        }
        if (role.gatewayPort() != null) {
            json.put("gatewayPort", role.gatewayPort());
        }
        if (role.inFlight() != null) {
            JsonObject inFlight = new JsonObject().put("policy", role.inFlight().policy());
            if (role.inFlight().replayLimitBytes() != null) {
                inFlight.put("replayLimitBytes", role.inFlight().replayLimitBytes());
            }
            json.put("inFlight", inFlight);
        }
        if (role.failbackWindow() != null) {
            json.put("failbackWindow", new JsonObject().put("fromHour", role.failbackWindow().fromHour())
                    .put("toHour", role.failbackWindow().toHour()));
        }
        if (role.plugin() != null) {
            json.put("plugin", plugin(role.plugin()));
        }
        json.put("updatedBy", role.updatedBy()).put("updatedAt", text(role.updatedAt()));
        if (snapshot != null) {
            Assignment assignment = snapshot.assignments().find(role.roleId());
            if (assignment != null) {
                if (assignment.isPlaced()) {
                    json.put("hostingServer", assignment.serverId());
                }
                json.put("epoch", assignment.epoch());
            }
            Hold held = null;
            for (Hold hold : snapshot.held()) {
                if (hold.roleId().equals(role.roleId())) {
                    json.put("held", hold.cause());
                    held = hold;
                }
            }
            RoleStatus status = RoleStatus.of(role.toRoleConfig(), assignment, snapshot.view(), held);
            json.put("state", status.state().name());
            if (status.reason() != null) {
                json.put("stateReason", status.reason());
            }
        }
        return json;
    }

    static JsonArray roles(List<RoleDefinition> roles, PlacementSnapshot snapshot) {
        JsonArray array = new JsonArray();
        roles.forEach(role -> array.add(role(role, snapshot)));
        return array;
    }

    static JsonObject server(ServerRecord server, PlacementSnapshot snapshot, Map<String, List<String>> hosted) {
        ServerView view = snapshot == null ? null : snapshot.view().find(server.serverId());
        JsonObject json = new JsonObject()
                .put("serverId", server.serverId())
                .put("kind", server.kind().name())
                .put("host", server.host())
                .put("firstSeenAt", text(server.firstSeenAt()))
                .put("state", view == null ? UNKNOWN : view.state().name());
        if (view != null && view.downCause() != null) {
            json.put("downCause", view.downCause());
        }
        json.put("maintenance", server.maintenance());
        if (server.maintenanceBy() != null) {
            json.put("maintenanceBy", server.maintenanceBy());
        }
        if (server.maintenanceSince() != null) {
            json.put("maintenanceSince", text(server.maintenanceSince()));
        }
        json.put("roles", new JsonArray(new ArrayList<>(hosted.getOrDefault(server.serverId(), List.of()))));
        return json;
    }

    static JsonArray servers(List<ServerRecord> servers, PlacementSnapshot snapshot) {
        Map<String, List<String>> hosted = hostedRoles(snapshot);
        JsonArray array = new JsonArray();
        servers.forEach(server -> array.add(server(server, snapshot, hosted)));
        return array;
    }

    /** The roles each server is assigned, by role id (assignments are sorted by role id). */
    static Map<String, List<String>> hostedRoles(PlacementSnapshot snapshot) {
        Map<String, List<String>> hosted = new HashMap<>();
        if (snapshot != null) {
            for (Assignment assignment : snapshot.assignments().all()) {
                if (assignment.isPlaced()) {
                    hosted.computeIfAbsent(assignment.serverId(), id -> new ArrayList<>()).add(assignment.roleId());
                }
            }
        }
        return hosted;
    }

    static JsonObject move(Move move) {
        JsonObject json = new JsonObject().put("roleId", move.roleId());
        if (move.from() != null) {
            json.put("from", move.from());
        }
        return json.put("to", move.to())
                .put("epoch", move.epoch())
                .put("reason", move.reason().name())
                .put("cause", move.cause());
    }

    private static JsonObject database(DatabaseRef database) {
        return new JsonObject()
                .put("server", database.server())
                .put("host", database.host())
                .put("port", database.port());
    }

    private static JsonObject plugin(PluginSpec plugin) {
        JsonObject json = new JsonObject()
                .put("kind", plugin.kind())
                .put("command", new JsonArray(new ArrayList<>(plugin.command())));
        JsonObject environment = new JsonObject();
        plugin.environment().keySet().stream().sorted().forEach(name -> environment.put(name, MASKED));
        json.put("environment", environment);
        if (plugin.port() != null) {
            json.put("port", plugin.port());
        }
        return json;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
