package dev.baton.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Request bodies and answers as Jackson trees. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses an answer of {@code api}; an answer that is not JSON is reported as one line. */
    static JsonNode parse(String api, String body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new CliException(api + " answered an empty body where JSON was expected");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new CliException(api + " answered something that is not JSON: "
                    + e.getOriginalMessage());
        }
    }
}
