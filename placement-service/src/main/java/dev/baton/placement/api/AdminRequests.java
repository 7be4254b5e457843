package dev.baton.placement.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.baton.runtime.http.ApiException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final int MAX_DETAIL = 200;

    private AdminRequests() {
    }

    /** {@code POST /roles}: the role's whole configuration. */
    record CreateRole(String roleId, List<String> servers, boolean forceHighestPriority, long failbackDelayMs,
            DatabaseFields database, PluginFields plugin, Long gatewayPort) {
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
        Reader reader = new Reader(body);
        Fields fields = reader.root();
        String roleId = fields.requiredString("roleId");
        List<String> servers = fields.requiredStringList("servers");
        Boolean force = fields.optionalBoolean("forceHighestPriority");
        Long delay = fields.optionalLong("failbackDelayMs");
        Fields database = fields.optionalObject("database");
        Fields plugin = fields.optionalObject("plugin");
        Long gatewayPort = fields.optionalLong("gatewayPort");
        fields.rejectUnknown();
        DatabaseFields databaseFields = database == null ? null : database(database);
        PluginFields pluginFields = plugin == null ? null : plugin(plugin);
        reader.done();
        // By default a role stays where a failover put it, as in the vendor product.
        return new CreateRole(roleId, servers, force != null && force, delay == null ? 0 : delay, databaseFields,
                pluginFields, gatewayPort);
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

    /** Parses one body and collects every problem, so a client fixes them all in one go. */
    private static final class Reader {
        private final JsonNode root;
        private final List<String> problems = new ArrayList<>();

        Reader(byte[] body) {
            if (body == null || body.length == 0) {
                throw ApiException.badRequest("a JSON object is required as the request body");
            }
            try {
                root = JSON.readTree(body);
            } catch (JacksonException e) {
                throw ApiException.badRequest("request body is not valid JSON: " + detail(e));
            } catch (IOException e) {
                throw ApiException.badRequest("request body cannot be read: " + e.getMessage());
            }
            if (root == null || root.isMissingNode()) {
                throw ApiException.badRequest("a JSON object is required as the request body");
            }
            if (!root.isObject()) {
                throw ApiException.badRequest("request body must be a JSON object, was " + kind(root));
            }
        }

        Fields root() {
            return new Fields(root, "", problems);
        }

        /** Fails with 400 listing every problem found. */
        void done() {
            if (!problems.isEmpty()) {
                String message = problems.size() == 1 ? problems.get(0)
                        : "request body has " + problems.size() + " problems: " + String.join("; ", problems);
                throw new ApiException(400, message, problems);
            }
        }
    }

    /** The fields of one JSON object; remembers which were read so that the others can be rejected. */
    private static final class Fields {
        private final JsonNode node;
        private final String prefix;
        private final List<String> problems;
        private final Set<String> read = new LinkedHashSet<>();

        Fields(JsonNode node, String prefix, List<String> problems) {
            this.node = node;
            this.prefix = prefix;
            this.problems = problems;
        }

        private JsonNode value(String name) {
            read.add(name);
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : value;
        }

        private JsonNode required(String name) {
            JsonNode value = value(name);
            if (value == null) {
                problems.add("field '" + prefix + name + "' is required");
            }
            return value;
        }

        private void wrongType(String name, String expected, JsonNode value) {
            problems.add("field '" + prefix + name + "' must be " + expected + ", was " + kind(value));
        }

        String requiredString(String name) {
            return string(name, required(name));
        }

        private String string(String name, JsonNode value) {
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                wrongType(name, "a string", value);
                return null;
            }
            return value.textValue();
        }

        boolean requiredBoolean(String name) {
            Boolean value = bool(name, required(name));
            return value != null && value;
        }

        Boolean optionalBoolean(String name) {
            return bool(name, value(name));
        }

        private Boolean bool(String name, JsonNode value) {
            if (value == null) {
                return null;
            }
            if (!value.isBoolean()) {
                wrongType(name, "true or false", value);
                return null;
            }
            return value.booleanValue();
        }

        long requiredLong(String name) {
            Long value = integer(name, required(name));
            return value == null ? 0 : value;
        }

        Long optionalLong(String name) {
            return integer(name, value(name));
        }

        private Long integer(String name, JsonNode value) {
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber()) {
                wrongType(name, "an integer", value);
                return null;
            }
            if (!value.canConvertToLong()) {
                problems.add("field '" + prefix + name + "' is out of range, was " + abbreviated(value.toString()));
                return null;
            }
            return value.longValue();
        }

        List<String> requiredStringList(String name) {
            return stringList(name, required(name));
        }

        List<String> optionalStringList(String name) {
            return stringList(name, value(name));
        }

        private List<String> stringList(String name, JsonNode value) {
            if (value == null) {
                return null;
            }
            if (!value.isArray()) {
                wrongType(name, "an array of strings", value);
                return null;
            }
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode element = value.get(i);
                if (!element.isTextual()) {
                    wrongType(name + "[" + i + "]", "a string", element);
                } else {
                    strings.add(element.textValue());
                }
            }
            return strings.size() == value.size() ? List.copyOf(strings) : null;
        }

        Map<String, String> optionalStringMap(String name) {
            JsonNode value = value(name);
            if (value == null) {
                return null;
            }
            if (!value.isObject()) {
                wrongType(name, "an object of strings", value);
                return null;
            }
            Map<String, String> map = new LinkedHashMap<>();
            boolean ok = true;
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                if (!entry.getValue().isTextual()) {
                    wrongType(name + "." + entry.getKey(), "a string", entry.getValue());
                    ok = false;
                } else {
                    map.put(entry.getKey(), entry.getValue().textValue());
                }
            }
            return ok ? map : null;
        }

        Fields optionalObject(String name) {
            JsonNode value = value(name);
            if (value == null) {
                return null;
            }
            if (!value.isObject()) {
                wrongType(name, "an object", value);
                return null;
            }
            return new Fields(value, prefix + name + ".", problems);
        }

        /** Reports every field of this object that no getter asked for. */
        void rejectUnknown() {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!read.contains(name)) {
                    problems.add("unknown field '" + prefix + abbreviated(name) + "'; known fields: "
                            + String.join(", ", read.stream().map(known -> prefix + known).toList()));
                }
            }
        }
    }

    private static String kind(JsonNode value) {
        if (value.isTextual()) {
            return "the string " + abbreviated(value.toString());
        }
        if (value.isNumber()) {
            return "the number " + abbreviated(value.toString());
        }
        if (value.isBoolean()) {
            return value.toString();
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isObject()) {
            return "an object";
        }
        return abbreviated(value.toString());
    }

    private static String detail(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return abbreviated(newline < 0 ? message : message.substring(0, newline));
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
