package dev.baton.events;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Edits of an encoded event's JSON tree, addressed by JSON Pointer ({@code /roles/0/state}), for decoding tests. */
final class JsonEdits {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final EventCodec CODEC = new EventCodec();

    private final ObjectNode root;

    private JsonEdits(ObjectNode root) {
        this.root = root;
    }

    /** The JSON tree of {@code event} as the codec encodes it. */
    static JsonEdits of(BatonEvent event) {
        return new JsonEdits((ObjectNode) parse(CODEC.encode(event)));
    }

    static JsonNode parse(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces (or adds) the value at {@code pointer}; {@code json} is a JSON text such as {@code "\"x\""} or {@code 5}. */
    JsonEdits set(String pointer, String json) {
        try {
            return set(pointer, MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonEdits set(String pointer, JsonNode value) {
        JsonPointer path = JsonPointer.compile(pointer);
        JsonNode parent = root.at(path.head());
        if (parent instanceof ObjectNode object) {
            object.set(path.last().getMatchingProperty(), value);
        } else if (parent instanceof ArrayNode array) {
            array.set(path.last().getMatchingIndex(), value);
        } else {
            throw new IllegalArgumentException("no object or array at " + path.head() + " in " + root);
        }
        return this;
    }

    /** Removes the field at {@code pointer}. */
    JsonEdits remove(String pointer) {
        JsonPointer path = JsonPointer.compile(pointer);
        JsonNode parent = root.at(path.head());
        if (!(parent instanceof ObjectNode object) || object.remove(path.last().getMatchingProperty()) == null) {
            throw new IllegalArgumentException("no field " + pointer + " in " + root);
        }
        return this;
    }

    ObjectNode tree() {
        return root;
    }

    byte[] bytes() {
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
