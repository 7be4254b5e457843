package dev.baton.placement.api;

import dev.baton.placement.api.StrictJson.Fields;
import dev.baton.placement.api.StrictJson.Reader;
import dev.baton.runtime.http.ApiException;
import java.util.List;
import java.util.Map;

/**
 * Strict parsing of the admin API's request bodies into typed requests.
 *
 * <p>Configuration is strict (house style): a body must be one JSON object without duplicate keys; an unknown
 * field, a missing required field or a value of the wrong JSON type ({@code "5"} is not an integer, {@code 1} is
 * not a boolean, {@code 1.5} is not an integer) fails the request with 400, naming every offending field. JSON
 * {@code null} counts as absent. Whether the values make an acceptable configuration (ids, ranges, the database
 * rules) is not checked here but by {@link RoleEdits}, with 422.
 */
final class AdminRequests {
    private static final int MAX_DETAIL = 200;

    private AdminRequests() {
    }

    /** {@code POST /roles} and {@code PUT /roles/{id}}: the role's whole configuration. */
    record CreateRole(String roleId, List<String> servers, boolean forceHighestPriority, long failbackDelayMs,
            DatabaseFields database, PluginFields plugin, Long gatewayPort, InFlightFields inFlight,
            WindowFields failbackWindow) {
        /** A configuration without an in-flight policy or failback window. */
        CreateRole(String roleId, List<String> servers, boolean forceHighestPriority, long failbackDelayMs,
                DatabaseFields database, PluginFields plugin, Long gatewayPort) {
            this(roleId, servers, forceHighestPriority, failbackDelayMs, database, plugin, gatewayPort, null, null);
        }
    }

    /** An in-flight policy as sent: unchecked values, checked by {@link RoleEdits}. */
    record InFlightFields(String policy, Long replayLimitBytes) {
    }

    /** A failback window as sent: unchecked values, checked by {@link RoleEdits}. */
    record WindowFields(long fromHour, long toHour) {
    }

    /** A database as sent: unchecked values, checked by {@link RoleEdits}. */
    record DatabaseFields(String server, String host, long port) {
    }

    /** A plugin as sent: unchecked values, checked by {@link RoleEdits}. */
    record PluginFields(String kind, List<String> command, Map<String, String> environment, Long port) {
    }

    /** {@code PUT /roles/{id}/failback}; a null delay keeps the current one. */
    record Failback(boolean forceHighestPriority, Long failbackDelayMs) {
    }

    static CreateRole createRole(byte[] body) {
        return createRole(body, null);
    }

    /**
     * A role's whole configuration; with {@code pathRoleId} (a replacement) the body's {@code roleId} may be left
     * out and must otherwise be that id.
     */
    static CreateRole createRole(byte[] body, String pathRoleId) {
        Reader reader = new Reader(body);
        Fields fields = reader.root();
        String roleId = pathRoleId == null ? fields.requiredString("roleId") : fields.optionalString("roleId");
        if (pathRoleId != null && roleId != null && !roleId.equals(pathRoleId)) {
            throw ApiException.badRequest("field 'roleId' is '" + abbreviated(roleId) + "' but the path names role '"
                    + abbreviated(pathRoleId) + "': a role cannot be renamed");
        }
        roleId = pathRoleId == null ? roleId : pathRoleId;
        List<String> servers = fields.requiredStringList("servers");
        Boolean force = fields.optionalBoolean("forceHighestPriority");
        Long delay = fields.optionalLong("failbackDelayMs");
        Fields database = fields.optionalObject("database");
        Fields plugin = fields.optionalObject("plugin");
        Long gatewayPort = fields.optionalLong("gatewayPort");
        Fields inFlight = fields.optionalObject("inFlight");
        Fields window = fields.optionalObject("failbackWindow");
        fields.rejectUnknown();
        DatabaseFields databaseFields = database == null ? null : database(database);
        PluginFields pluginFields = plugin == null ? null : plugin(plugin);
        InFlightFields inFlightFields = inFlight == null ? null : inFlight(inFlight);
        WindowFields windowFields = window == null ? null : window(window);
        reader.done();
        // By default a role stays where a failover put it, as in the vendor product.
        return new CreateRole(roleId, servers, force != null && force, delay == null ? 0 : delay, databaseFields,
                pluginFields, gatewayPort, inFlightFields, windowFields);
    }

    /** {@code POST /what-if}: a server and what happens to it. */
    record WhatIfFields(String serverId, String scenario) {
    }

    static WhatIfFields whatIf(byte[] body) {
        Reader reader = new Reader(body);
        Fields fields = reader.root();
        String serverId = fields.requiredString("serverId");
        String scenario = fields.requiredString("scenario");
        fields.rejectUnknown();
        reader.done();
        return new WhatIfFields(serverId, scenario);
    }

    /** {@code PUT /roles/{id}/in-flight}. */
    static InFlightFields inFlight(byte[] body) {
        Reader reader = new Reader(body);
        InFlightFields inFlight = inFlight(reader.root());
        reader.done();
        return inFlight;
    }

    /** {@code PUT /roles/{id}/failback-window}. */
    static WindowFields failbackWindow(byte[] body) {
        Reader reader = new Reader(body);
        WindowFields window = window(reader.root());
        reader.done();
        return window;
    }

    private static InFlightFields inFlight(Fields fields) {
        String policy = fields.requiredString("policy");
        Long limit = fields.optionalLong("replayLimitBytes");
        fields.rejectUnknown();
        return new InFlightFields(policy, limit);
    }

    private static WindowFields window(Fields fields) {
        long from = fields.requiredLong("fromHour");
        long to = fields.requiredLong("toHour");
        fields.rejectUnknown();
        return new WindowFields(from, to);
    }

    /** {@code POST /roles/{id}/servers}: the server to append. */
    static String addServer(byte[] body) {
        Reader reader = new Reader(body);
        Fields fields = reader.root();
        String serverId = fields.requiredString("serverId");
        fields.rejectUnknown();
        reader.done();
        return serverId;
    }

    /** {@code PUT /roles/{id}/servers}: the new order. */
    static List<String> serverOrder(byte[] body) {
        Reader reader = new Reader(body);
        Fields fields = reader.root();
        List<String> servers = fields.requiredStringList("servers");
        fields.rejectUnknown();
        reader.done();
        return servers;
    }

    static Failback failback(byte[] body) {
        Reader reader = new Reader(body);
        Fields fields = reader.root();
        boolean force = fields.requiredBoolean("forceHighestPriority");
        Long delay = fields.optionalLong("failbackDelayMs");
        fields.rejectUnknown();
        reader.done();
        return new Failback(force, delay);
    }

    /** {@code PUT /roles/{id}/database}. */
    static DatabaseFields database(byte[] body) {
        Reader reader = new Reader(body);
        DatabaseFields database = database(reader.root());
        reader.done();
        return database;
    }

    /** {@code PUT /roles/{id}/gateway-port}: the port (range checked by {@link RoleEdits}). */
    static long gatewayPort(byte[] body) {
        Reader reader = new Reader(body);
        Fields fields = reader.root();
        long port = fields.requiredLong("port");
        fields.rejectUnknown();
        reader.done();
        return port;
    }

    /** {@code PUT /servers/{id}/maintenance}: on or off. */
    static boolean maintenance(byte[] body) {
        Reader reader = new Reader(body);
        Fields fields = reader.root();
        boolean on = fields.requiredBoolean("on");
        fields.rejectUnknown();
        reader.done();
        return on;
    }

    /** The {@code force} query parameter: absent or {@code false}, or {@code true}; anything else is a 400. */
    static boolean force(List<String> values) {
        if (values == null || values.isEmpty()) {
            return false;
        }
        if (values.size() == 1 && ("true".equals(values.get(0)) || "false".equals(values.get(0)))) {
            return Boolean.parseBoolean(values.get(0));
        }
        throw ApiException.badRequest("query parameter 'force' must be true or false, was " + values);
    }

    /** {@code POST /roles/{id}/move}: the target server. */
    static String move(byte[] body) {
        Reader reader = new Reader(body);
        Fields fields = reader.root();
        String to = fields.requiredString("to");
        fields.rejectUnknown();
        reader.done();
        return to;
    }

    private static DatabaseFields database(Fields fields) {
        String server = fields.requiredString("server");
        String host = fields.requiredString("host");
        long port = fields.requiredLong("port");
        fields.rejectUnknown();
        return new DatabaseFields(server, host, port);
    }

    private static PluginFields plugin(Fields fields) {
        String kind = fields.requiredString("kind");
        List<String> command = fields.optionalStringList("command");
        Map<String, String> environment = fields.optionalStringMap("environment");
        Long port = fields.optionalLong("port");
        fields.rejectUnknown();
        return new PluginFields(kind, command == null ? List.of() : command,
                environment == null ? Map.of() : environment, port);
    }

    /** Values from the request are echoed short and on one line: an error body is no place for a megabyte. */
    static String abbreviated(String text) {
        String shortened = text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "…";
        StringBuilder out = new StringBuilder(shortened.length());
        shortened.chars().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }
}
