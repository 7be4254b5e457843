package dev.baton.placement.api;

import dev.baton.events.DatabaseRef;
import dev.baton.events.PluginSpec;
import dev.baton.placement.api.AdminRequests.CreateRole;
import dev.baton.placement.api.AdminRequests.DatabaseFields;
import dev.baton.placement.api.AdminRequests.Failback;
import dev.baton.placement.api.AdminRequests.PluginFields;
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
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The edits the admin API makes to a role, as pure functions: current definition and request in, candidate
 * definition out, or an {@link ApiException} (404 for a server the role does not list, 422 for a rule violation).
 * {@link #validate} applies every rule to a candidate before it is stored; the version and who-and-when are the
 * caller's to set.
 */
final class RoleEdits {
    static final int MAX_DATABASE_SERVER = 256;
    /** The longest DNS name. */
    static final int MAX_DATABASE_HOST = 253;
    private static final Pattern ENVIRONMENT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> PLUGIN_KINDS = Set.of("sample", "command");
    private static final List<String> FIELD_ORDER =
            List.of("roleId", "serverId", "servers", "forceHighestPriority", "failbackDelayMs", "database", "plugin",
                    "gatewayPort");

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
        DatabaseRef database = request.database() == null ? null : database(request.database(), errors);
        PluginSpec plugin = request.plugin() == null ? null : plugin(request.plugin(), errors);
        RoleDefinition role = new RoleDefinition(request.roleId(), 1, request.servers(),
                request.forceHighestPriority(), Duration.ofMillis(request.failbackDelayMs()), database, plugin, actor,
                now, gatewayPort(request.gatewayPort(), errors));
        check(null, role, registered, controlPlaneFailoverConfigured, errors);
        return role;
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
        return new RoleDefinition(role.roleId(), role.version(), role.servers(), request.forceHighestPriority(), delay,
                role.database(), role.plugin(), role.updatedBy(), role.updatedAt(),
                role.gatewayPort());
    }

    static RoleDefinition withDatabase(RoleDefinition role, DatabaseFields request) {
        List<ConfigError> errors = new ArrayList<>();
        DatabaseRef database = database(request, errors);
        if (!errors.isEmpty()) {
            throw rejected(role.roleId(), errors);
        }
        return new RoleDefinition(role.roleId(), role.version(), role.servers(), role.forceHighestPriority(),
                role.failbackDelay(), database, role.plugin(), role.updatedBy(), role.updatedAt(),
                role.gatewayPort());
    }

    /** The gateway port set, or cleared with null. */
    static RoleDefinition withGatewayPort(RoleDefinition role, Long port) {
        List<ConfigError> errors = new ArrayList<>();
        Integer gatewayPort = gatewayPort(port, errors);
        if (!errors.isEmpty()) {
            throw rejected(role.roleId(), errors);
        }
        return new RoleDefinition(role.roleId(), role.version(), role.servers(), role.forceHighestPriority(),
                role.failbackDelay(), role.database(), role.plugin(), role.updatedBy(), role.updatedAt(), gatewayPort);
    }

    /** The gateway port, or null when absent or out of range (the problem added to {@code errors}). */
    private static Integer gatewayPort(Long port, List<ConfigError> errors) {
        if (port == null) {
            return null;
        }
        if (port < 1 || port > 65535) {
            errors.add(new ConfigError("gatewayPort", "must be between 1 and 65535, was " + port));
            return null;
        }
        return port.intValue();
    }

    /** The same definition stamped with a new version, author and time, as it is to be stored. */
    static RoleDefinition stamped(RoleDefinition role, long version, String actor, Instant now) {
        return new RoleDefinition(role.roleId(), version, role.servers(), role.forceHighestPriority(),
                role.failbackDelay(), role.database(), role.plugin(), actor, now, role.gatewayPort());
    }

    /** Whether two definitions configure the role the same way (version and who-and-when aside). */
    static boolean sameConfiguration(RoleDefinition a, RoleDefinition b) {
        return a.roleId().equals(b.roleId())
                && a.servers().equals(b.servers())
                && a.forceHighestPriority() == b.forceHighestPriority()
                && a.failbackDelay().equals(b.failbackDelay())
                && Objects.equals(a.database(), b.database())
                && Objects.equals(a.plugin(), b.plugin())
                && Objects.equals(a.gatewayPort(), b.gatewayPort());
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
        return new RoleDefinition(role.roleId(), role.version(), servers, role.forceHighestPriority(),
                role.failbackDelay(), role.database(), role.plugin(), role.updatedBy(), role.updatedAt(),
                role.gatewayPort());
    }

    /** The database, or null with the problems added to {@code errors}. */
    private static DatabaseRef database(DatabaseFields fields, List<ConfigError> errors) {
        int before = errors.size();
        text("database.server", fields.server(), MAX_DATABASE_SERVER, false, errors);
        text("database.host", fields.host(), MAX_DATABASE_HOST, true, errors);
        if (fields.port() < 1 || fields.port() > 65535) {
            errors.add(new ConfigError("database.port", "must be between 1 and 65535, was " + fields.port()));
        }
        return errors.size() > before ? null
                : new DatabaseRef(fields.server().trim(), fields.host().trim(), (int) fields.port());
    }

    private static void text(String field, String value, int maxLength, boolean noSpaces, List<ConfigError> errors) {
        if (value.isBlank()) {
            errors.add(new ConfigError(field, "must not be blank"));
        } else if (value.length() > maxLength) {
            errors.add(new ConfigError(field, "is " + value.length() + " characters long; the limit is " + maxLength));
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            errors.add(new ConfigError(field, "must not contain control characters"));
        } else if (noSpaces && value.trim().chars().anyMatch(Character::isWhitespace)) {
            errors.add(new ConfigError(field, "'" + value + "' is not a host name or address: it contains spaces"));
        }
    }

    /** The plugin, or null with the problems added to {@code errors}. */
    private static PluginSpec plugin(PluginFields fields, List<ConfigError> errors) {
        int before = errors.size();
        if (!PLUGIN_KINDS.contains(fields.kind())) {
            errors.add(new ConfigError("plugin.kind", "must be 'sample' (the built-in plugin) or 'command' (an "
                    + "executable), was '" + AdminRequests.abbreviated(fields.kind()) + "'"));
        } else if (fields.kind().equals("command")
                && (fields.command().isEmpty() || fields.command().get(0).isBlank())) {
            errors.add(new ConfigError("plugin.command", "a 'command' plugin needs the executable and its arguments, "
                    + "e.g. [\"/opt/plugin/bin/run\", \"--port\", \"{port}\"]"));
        } else if (fields.kind().equals("sample") && !fields.command().isEmpty()) {
            errors.add(new ConfigError("plugin.command", "the 'sample' plugin is built in and takes no command"));
        }
        for (Map.Entry<String, String> variable : fields.environment().entrySet()) {
            if (!ENVIRONMENT_NAME.matcher(variable.getKey()).matches()) {
                errors.add(new ConfigError("plugin.environment", "'" + AdminRequests.abbreviated(variable.getKey())
                        + "' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)"));
            }
        }
        if (fields.port() != null && (fields.port() < 0 || fields.port() > 65535)) {
            errors.add(new ConfigError("plugin.port", "must be between 0 and 65535, was " + fields.port()));
        }
        return errors.size() > before ? null : new PluginSpec(fields.kind(), fields.command(), fields.environment(),
                fields.port() == null ? null : fields.port().intValue());
    }
}
