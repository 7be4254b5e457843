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
 * The strict reading of one JSON request body behind {@link AdminRequests}: one object without duplicate keys;
 * unknown fields, missing required fields and values of the wrong JSON type are collected and reported together
 * (400). JSON {@code null} counts as absent.
 */
final class StrictJson {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StrictJson() {
    }

    /** Parses one body and collects every problem, so a client fixes them all in one go. */
    static final class Reader {
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
    static final class Fields {
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

        String optionalString(String name) {
            return string(name, value(name));
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
                problems.add("field '" + prefix + name + "' is out of range, was " + AdminRequests.abbreviated(value.toString()));
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
                    problems.add("unknown field '" + prefix + AdminRequests.abbreviated(name) + "'; known fields: "
                            + String.join(", ", read.stream().map(known -> prefix + known).toList()));
                }
            }
        }
    }

    private static String kind(JsonNode value) {
        if (value.isTextual()) {
            return "the string " + AdminRequests.abbreviated(value.toString());
        }
        if (value.isNumber()) {
            return "the number " + AdminRequests.abbreviated(value.toString());
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
        return AdminRequests.abbreviated(value.toString());
    }

    private static String detail(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return AdminRequests.abbreviated(newline < 0 ? message : message.substring(0, newline));
    }

}
