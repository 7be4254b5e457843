package dev.baton.placement.api;

import dev.baton.events.DatabaseRef;
import dev.baton.events.FailbackWindow;
import dev.baton.events.InFlightConfig;
import dev.baton.events.PluginSpec;
import dev.baton.placement.api.AdminRequests.CreateRole;
import dev.baton.placement.api.AdminRequests.DatabaseFields;
import dev.baton.placement.api.AdminRequests.Failback;
import dev.baton.placement.api.AdminRequests.InFlightFields;
import dev.baton.placement.api.AdminRequests.WindowFields;
import dev.baton.placement.detector.ServerIdentity;
import dev.baton.placement.policy.ConfigError;
import dev.baton.placement.policy.RoleConfigValidator;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.ServerRecord;
import dev.baton.runtime.http.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The edits the admin API makes to a role, as pure functions: current definition and request in, candidate
 * definition out, or an {@link ApiException} (404 for a server the role does not list, 422 for a rule violation).
 * {@link #validate} applies every rule to a candidate before it is stored; the version and who-and-when are the
 * caller's to set.
 */
final class RoleEdits {
    private static final List<String> FIELD_ORDER =
            List.of("roleId", "serverId", "servers", "forceHighestPriority", "failbackDelayMs", "database", "plugin",
                    "gatewayPort", "inFlight", "failbackWindow");

    private RoleEdits() {
    }

    /**
     * A new role from {@code POST /roles}, at version 1, checked by every rule of {@link #validate}.
     *
     * @throws ApiException 422 listing every problem
     */
    static RoleDefinition create(CreateRole request, String actor, Instant now, List<ServerRecord> registered,
            boolean controlPlaneFailoverConfigured) {
        List<ConfigError> errors = new ArrayList<>();
        RoleDefinition role = definition(request, 1, actor, now, null, errors);
        check(null, role, registered, controlPlaneFailoverConfigured, errors);
        return role;
    }

    /**
     * The role configured as {@code request} says, in place of {@code current} (same version and who-and-when
     * until stored). Plugin environment values sent masked keep their current values. Validated by the caller.
     *
     * @throws ApiException 422 when a field's value is out of range
     */
    static RoleDefinition replaced(RoleDefinition current, CreateRole request) {
        List<ConfigError> errors = new ArrayList<>();
        RoleDefinition role = definition(request, current.version(), current.updatedBy(), current.updatedAt(),
                current.plugin(), errors);
        if (!errors.isEmpty()) {
            throw rejected(current.roleId(), sortedByField(errors));
        }
        return role;
    }

    private static RoleDefinition definition(CreateRole request, long version, String actor, Instant at,
            PluginSpec currentPlugin, List<ConfigError> errors) {
        DatabaseRef database = request.database() == null ? null : RoleFields.database(request.database(), errors);
        PluginSpec plugin = request.plugin() == null ? null
                : RoleFields.plugin(RoleFields.unmasked(request.plugin(), currentPlugin), errors);
        Integer port = RoleFields.gatewayPort(request.gatewayPort(), errors);
        InFlightConfig inFlight = request.inFlight() == null ? null : RoleFields.inFlight(request.inFlight(), errors);
        FailbackWindow window = request.failbackWindow() == null ? null
                : RoleFields.failbackWindow(request.failbackWindow(), errors);
        return new RoleDefinition(request.roleId(), version, request.servers(), request.forceHighestPriority(),
                Duration.ofMillis(request.failbackDelayMs()), database, plugin, actor, at, port, inFlight, window);
    }

    /** What differs between two configurations of a role, for the log: "servers [a, b] -> [b, a]; database ...". */
    static String differences(RoleDefinition before, RoleDefinition after) {
        List<String> changes = new ArrayList<>();
        difference(changes, "servers", before.servers(), after.servers());
        difference(changes, "failback", before.forceHighestPriority(), after.forceHighestPriority());
        difference(changes, "failback delay", before.failbackDelay(), after.failbackDelay());
        difference(changes, "failback window", before.failbackWindow(), after.failbackWindow());
        difference(changes, "database", before.database(), after.database());
        difference(changes, "plugin", before.plugin(), after.plugin());
        difference(changes, "gateway port", before.gatewayPort(), after.gatewayPort());
        difference(changes, "in-flight policy", describe(before.inFlight()), describe(after.inFlight()));
        return changes.isEmpty() ? "nothing" : String.join("; ", changes);
    }

    private static void difference(List<String> changes, String name, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changes.add(name + " " + before + " -> " + after);
        }
    }

    /** An in-flight policy as operators read it. */
    static String describe(InFlightConfig inFlight) {
        if (inFlight == null) {
            return "the gateways' default";
        }
        return inFlight.policy() + (inFlight.replayLimitBytes() == null ? ""
                : " (up to " + inFlight.replayLimitBytes() + " bytes)");
    }

    /** {@code serverId} appended at the bottom of the list: the lowest priority. */
    static RoleDefinition withServerAdded(RoleDefinition role, String serverId) {
        if (role.servers().contains(serverId)) {
            throw rejected(role.roleId(), List.of(new ConfigError("serverId",
                    "'" + serverId + "' is already in the list at position " + (role.servers().indexOf(serverId) + 1))));
        }
        List<String> servers = new ArrayList<>(role.servers());
        servers.add(serverId);
        return withServers(role, servers);
    }

    static RoleDefinition withServerRemoved(RoleDefinition role, String serverId) {
        requireListed(role, serverId);
        List<String> servers = new ArrayList<>(role.servers());
        servers.remove(serverId);
        return withServers(role, servers);
    }

    /** {@code serverId} one position higher in priority (towards the top of the list). */
    static RoleDefinition withServerUp(RoleDefinition role, String serverId) {
        int at = requireListed(role, serverId);
        if (at == 0) {
            throw rejected(role.roleId(), List.of(new ConfigError("serverId",
                    "'" + serverId + "' is already at the top of the list: it has the highest priority")));
        }
        return withServers(role, swapped(role.servers(), at, at - 1));
    }

    /** {@code serverId} one position lower in priority (towards the bottom of the list). */
    static RoleDefinition withServerDown(RoleDefinition role, String serverId) {
        int at = requireListed(role, serverId);
        if (at == role.servers().size() - 1) {
            throw rejected(role.roleId(), List.of(new ConfigError("serverId",
                    "'" + serverId + "' is already at the bottom of the list: it has the lowest priority")));
        }
        return withServers(role, swapped(role.servers(), at, at + 1));
    }

    /**
     * The same servers in a new order. Adding and removing servers have their own requests, so that a stale
     * list cannot silently drop a server someone else added.
     */
    static RoleDefinition withServerOrder(RoleDefinition role, List<String> order) {
        List<ConfigError> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < order.size(); i++) {
            String serverId = order.get(i);
            if (!seen.add(serverId)) {
                errors.add(new ConfigError("servers[" + i + "]", "'" + AdminRequests.abbreviated(serverId)
                        + "' is listed twice"));
            } else if (!role.servers().contains(serverId)) {
                errors.add(new ConfigError("servers[" + i + "]", "'" + AdminRequests.abbreviated(serverId)
                        + "' is not one of the role's servers: add it with POST /api/v1/roles/" + role.roleId()
                        + "/servers"));
            }
        }
        for (String serverId : role.servers()) {
            if (!order.contains(serverId)) {
                errors.add(new ConfigError("servers", "'" + serverId + "' is missing: the list must name each of the "
                        + "role's servers once; remove a server with DELETE /api/v1/roles/" + role.roleId()
                        + "/servers/" + serverId));
            }
        }
        if (!errors.isEmpty()) {
            throw rejected(role.roleId(), errors);
        }
        return withServers(role, order);
    }

    /** Failback on or off; a null delay keeps the current one. */
    static RoleDefinition withFailback(RoleDefinition role, Failback request) {
        Duration delay = request.failbackDelayMs() == null ? role.failbackDelay()
                : Duration.ofMillis(request.failbackDelayMs());
        return role.withFailback(request.forceHighestPriority(), delay, role.failbackWindow());
    }

    /** The failback window set, or removed with null. */
    static RoleDefinition withFailbackWindow(RoleDefinition role, WindowFields request) {
        if (request == null) {
            return role.withFailback(role.forceHighestPriority(), role.failbackDelay(), null);
        }
        List<ConfigError> errors = new ArrayList<>();
        FailbackWindow window = RoleFields.failbackWindow(request, errors);
        if (!errors.isEmpty()) {
            throw rejected(role.roleId(), errors);
        }
        return role.withFailback(role.forceHighestPriority(), role.failbackDelay(), window);
    }

    /** The in-flight policy set, or removed with null (each gateway's own applies). */
    static RoleDefinition withInFlight(RoleDefinition role, InFlightFields request) {
        if (request == null) {
            return role.withInFlight(null);
        }
        List<ConfigError> errors = new ArrayList<>();
        InFlightConfig inFlight = RoleFields.inFlight(request, errors);
        if (!errors.isEmpty()) {
            throw rejected(role.roleId(), errors);
        }
        return role.withInFlight(inFlight);
    }

    static RoleDefinition withDatabase(RoleDefinition role, DatabaseFields request) {
        List<ConfigError> errors = new ArrayList<>();
        DatabaseRef database = RoleFields.database(request, errors);
        if (!errors.isEmpty()) {
            throw rejected(role.roleId(), errors);
        }
        return role.withDatabase(database);
    }

    /** The gateway port set, or cleared with null. */
    static RoleDefinition withGatewayPort(RoleDefinition role, Long port) {
        List<ConfigError> errors = new ArrayList<>();
        Integer gatewayPort = RoleFields.gatewayPort(port, errors);
        if (!errors.isEmpty()) {
            throw rejected(role.roleId(), errors);
        }
        return role.withGatewayPort(gatewayPort);
    }

    /** Whether two definitions configure the role the same way (version and who-and-when aside). */
    static boolean sameConfiguration(RoleDefinition a, RoleDefinition b) {
        return a.roleId().equals(b.roleId())
                && a.servers().equals(b.servers())
                && a.forceHighestPriority() == b.forceHighestPriority()
                && a.failbackDelay().equals(b.failbackDelay())
                && Objects.equals(a.database(), b.database())
                && Objects.equals(a.plugin(), b.plugin())
                && Objects.equals(a.gatewayPort(), b.gatewayPort())
                && Objects.equals(a.inFlight(), b.inFlight())
                && Objects.equals(a.failbackWindow(), b.failbackWindow());
    }

    /**
     * Applies every rule to {@code candidate}: those of {@link RoleConfigValidator} (ids, a non-empty list without
     * duplicates, no database on the local machine or on one of the role's servers, no MAIN server without
     * control-plane failover), plus: a server joining the list must be registered (have sent a heartbeat), so its
     * kind and host are known and checked. Servers already in {@code current}'s list are not re-checked for
     * registration, so a role provisioned directly in the store stays editable.
     *
     * @param current the stored definition, null for a new role
     * @param registered every registered server
     * @throws ApiException 422 listing every problem
     */
    static void validate(RoleDefinition current, RoleDefinition candidate, List<ServerRecord> registered,
            boolean controlPlaneFailoverConfigured) {
        check(current, candidate, registered, controlPlaneFailoverConfigured, new ArrayList<>());
    }

    /** {@link #validate} adding to problems found earlier, e.g. in the database fields. */
    private static void check(RoleDefinition current, RoleDefinition candidate, List<ServerRecord> registered,
            boolean controlPlaneFailoverConfigured, List<ConfigError> errors) {
        List<ServerIdentity> known = registered.stream()
                .map(server -> new ServerIdentity(server.serverId(), server.host(), server.kind()))
                .toList();
        for (ConfigError error : RoleConfigValidator.validate(candidate.toRoleConfig(), known,
                controlPlaneFailoverConfigured)) {
            // The API's field is the delay in milliseconds.
            errors.add(error.field().equals("failbackDelay")
                    ? new ConfigError("failbackDelayMs", error.message()) : error);
        }
        Set<String> registeredIds = new HashSet<>();
        registered.forEach(server -> registeredIds.add(server.serverId()));
        for (int i = 0; i < candidate.servers().size(); i++) {
            String serverId = candidate.servers().get(i);
            boolean joining = current == null || !current.servers().contains(serverId);
            if (joining && !registeredIds.contains(serverId) && !hasErrorAt(errors, "servers[" + i + "]")) {
                errors.add(new ConfigError("servers[" + i + "]", "'" + AdminRequests.abbreviated(serverId)
                        + "' is not a registered server: a server registers with its first heartbeat; start its "
                        + "agent, then add it"));
            }
        }
        if (!errors.isEmpty()) {
            throw rejected(candidate.roleId(), sortedByField(errors));
        }
    }

    private static boolean hasErrorAt(List<ConfigError> errors, String field) {
        return errors.stream().anyMatch(error -> error.field().equals(field));
    }

    /** Errors in the order of the request's fields, so that a list reads top to bottom. */
    private static List<ConfigError> sortedByField(List<ConfigError> errors) {
        List<ConfigError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(error -> FIELD_ORDER.indexOf(error.field().replaceAll("[.\\[].*", ""))));
        return sorted;
    }

    /** 422 naming the role and every problem; the message alone says what to do. */
    static ApiException rejected(String roleId, List<ConfigError> errors) {
        String role = roleId == null ? "the role" : "role " + AdminRequests.abbreviated(roleId);
        String message = errors.size() == 1
                ? role + " rejected: " + errors.get(0)
                : role + " rejected, " + errors.size() + " problems: "
                        + String.join("; ", errors.stream().map(ConfigError::toString).toList());
        return ApiException.unprocessable(message, errors.stream().map(ConfigError::toString).toList());
    }

    private static int requireListed(RoleDefinition role, String serverId) {
        int at = role.servers().indexOf(serverId);
        if (at < 0) {
            throw ApiException.notFound("role " + role.roleId() + " does not list server '"
                    + AdminRequests.abbreviated(serverId) + "'; its servers are " + role.servers());
        }
        return at;
    }

    private static List<String> swapped(List<String> servers, int i, int j) {
        List<String> copy = new ArrayList<>(servers);
        copy.set(i, servers.get(j));
        copy.set(j, servers.get(i));
        return copy;
    }

    private static RoleDefinition withServers(RoleDefinition role, List<String> servers) {
        return role.withServers(servers);
    }
}
