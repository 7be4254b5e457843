package dev.baton.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.util.NameTransformer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The one JSON codec for Baton events (UTF-8). Thread-safe; share one instance.
 *
 * <p>Encoding writes {@code type} and {@code schemaVersion} first, then the record's fields; absent optional
 * fields are omitted and instants are ISO-8601 strings. Decoding ignores unknown fields and rejects, with an
 * {@link EventDecodingException} whose message says what is wrong: malformed JSON, an unknown {@code type}, an
 * unsupported {@code schemaVersion}, a missing required field, an invalid field (bad id, bad enum value, wrong
 * JSON type, out-of-range number).
 */
public final class EventCodec {
    private static final int MAX_QUOTED_VALUE = 80;
    private static final int MAX_DETAIL = 200;

    private final ObjectMapper mapper;
    private final Map<Class<?>, List<Field>> fields = new ConcurrentHashMap<>();

    public EventCodec() {
        this.mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new SimpleModule("baton-event-envelope").setSerializerModifier(new Envelope()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // A field of the wrong JSON type is rejected, not coerced: "5" is no epoch, and 1.5 must not
                // silently become epoch 1.
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .withCoercionConfig(LogicalType.Textual, config -> config
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .build();
    }

    /** The JSON of {@code event} as UTF-8 bytes. */
    public byte[] encode(BatonEvent event) {
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.type().wireName(), e);
        }
    }

    /** The JSON of {@code event} as a string, for logs and documentation. */
    public String encodeToString(BatonEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.type().wireName(), e);
        }
    }

    /** Gives every event's serializer the envelope: see {@link EnvelopeSerializer}. */
    private static final class Envelope extends BeanSerializerModifier {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription description,
                JsonSerializer<?> serializer) {
            if (BatonEvent.class.isAssignableFrom(description.getBeanClass())) {
                @SuppressWarnings("unchecked")
                JsonSerializer<Object> bean = (JsonSerializer<Object>) serializer;
                return new EnvelopeSerializer(bean, null);
            }
            return serializer;
        }
    }

    /**
     * Writes an event as one JSON object: {@code type} and {@code schemaVersion} first, then the record's fields as
     * Jackson's bean serializer of the record writes them, straight to the output. (Jackson caches it per event
     * class, so an event is encoded in one pass, without building a tree of it first.)
     */
    private static final class EnvelopeSerializer extends StdSerializer<Object>
            implements ResolvableSerializer, ContextualSerializer {
        private static final long serialVersionUID = 1L;

        private final JsonSerializer<Object> bean;
        private final JsonSerializer<Object> fields;

        EnvelopeSerializer(JsonSerializer<Object> bean, JsonSerializer<Object> fields) {
            super(Object.class);
            this.bean = bean;
            this.fields = fields;
        }

        @Override
        public void resolve(SerializerProvider provider) throws JsonMappingException {
            if (bean instanceof ResolvableSerializer resolvable) {
                resolvable.resolve(provider);
            }
        }

        @Override
        public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
                throws JsonMappingException {
            JsonSerializer<?> contextual = bean instanceof ContextualSerializer c
                    ? c.createContextual(provider, property) : bean;
            @SuppressWarnings("unchecked")
            JsonSerializer<Object> resolved = (JsonSerializer<Object>) contextual;
            return new EnvelopeSerializer(resolved, resolved.unwrappingSerializer(NameTransformer.NOP));
        }

        @Override
        public void serialize(Object value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            if (fields == null) {
                throw JsonMappingException.from(provider, "event serializer used without contextualization");
            }
            generator.writeStartObject(value);
            generator.writeStringField("type", ((BatonEvent) value).type().wireName());
            generator.writeNumberField("schemaVersion", EventType.CURRENT_SCHEMA_VERSION);
            fields.serialize(value, generator, provider);
            generator.writeEndObject();
        }
    }

    /**
     * Decodes any Baton event.
     *
     * @throws EventDecodingException when {@code json} is not a valid event; never returns null
     */
    public BatonEvent decode(byte[] json) {
        if (json == null || json.length == 0) {
            throw new EventDecodingException(EventDecodingException.Reason.MALFORMED_JSON, "empty record value");
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (IOException e) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.MALFORMED_JSON, "malformed JSON: " + firstLine(e), e);
        }
        return decodeTree(root);
    }

    /**
     * Decodes an event that must be of {@code expected} (or one of its subtypes).
     *
     * @throws EventDecodingException when {@code json} is not a valid event of that type
     */
    public <T extends BatonEvent> T decode(byte[] json, Class<T> expected) {
        BatonEvent event = decode(json);
        if (!expected.isInstance(event)) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.UNEXPECTED_TYPE,
                    "expected " + expected.getSimpleName() + " but got " + event.type().wireName());
        }
        return expected.cast(event);
    }

    private BatonEvent decodeTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.MALFORMED_JSON, "malformed JSON: the value is not a JSON object");
        }
        JsonNode typeNode = root.get("type");
        if (typeNode == null || typeNode.isNull()) {
            throw new EventDecodingException(EventDecodingException.Reason.MISSING_FIELD, "missing required field 'type'");
        }
        if (!typeNode.isTextual()) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.INVALID_FIELD, "field 'type' must be a string, was " + typeNode);
        }
        EventType type = EventType.fromWireName(typeNode.asText());
        if (type == null) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.UNKNOWN_TYPE, "unknown event type '" + quote(typeNode.asText()) + "'");
        }
        String name = type.wireName();
        JsonNode versionNode = root.get("schemaVersion");
        if (versionNode == null || versionNode.isNull()) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.MISSING_FIELD, name + ": missing required field 'schemaVersion'");
        }
        if (!versionNode.isIntegralNumber() || !versionNode.canConvertToInt()) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.INVALID_FIELD,
                    name + ": field 'schemaVersion' must be an integer, was " + quote(versionNode.toString()));
        }
        if (!type.supports(versionNode.asInt())) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.UNSUPPORTED_SCHEMA_VERSION,
                    name + ": schemaVersion " + versionNode.asInt() + " is not supported (this reader supports "
                            + EventType.CURRENT_SCHEMA_VERSION + ")");
        }
        requirePresent(root, type.eventClass(), "", name);
        try {
            return mapper.treeToValue(root, type.eventClass());
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new EventDecodingException(
                    EventDecodingException.Reason.INVALID_FIELD, name + ": " + oneLine(cause.getMessage()), e);
        } catch (InvalidFormatException e) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.INVALID_FIELD,
                    name + ": field '" + path(e) + "' has an invalid value " + quote(String.valueOf(e.getValue())), e);
        } catch (MismatchedInputException e) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.INVALID_FIELD,
                    name + ": field '" + path(e) + "' has the wrong JSON type", e);
        } catch (JacksonException e) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.INVALID_FIELD, name + ": " + firstLine(e), e);
        }
    }

    /**
     * Required fields are checked on the JSON tree, before binding: a missing number would otherwise bind to 0.
     * Nested records and lists of records are checked too, with a path such as {@code roles[1].state}. What each
     * record class requires is read by reflection once per class ({@link Field}), not per record: this runs for
     * every heartbeat the placement reads.
     */
    private void requirePresent(JsonNode node, Class<?> recordClass, String prefix, String typeName) {
        for (Field field : fieldsOf(recordClass)) {
            JsonNode value = node.get(field.name());
            if (value == null || value.isNull()) {
                if (!field.optional()) {
                    throw new EventDecodingException(
                            EventDecodingException.Reason.MISSING_FIELD,
                            typeName + ": missing required field '" + prefix + field.name() + "'");
                }
                continue;
            }
            if (field.record() != null) {
                String path = prefix + field.name();
                requireObject(value, path, typeName);
                requirePresent(value, field.record(), path + ".", typeName);
            } else if (field.list()) {
                if (!value.isArray()) {
                    throw new EventDecodingException(
                            EventDecodingException.Reason.INVALID_FIELD,
                            typeName + ": field '" + prefix + field.name() + "' must be an array");
                }
                if (field.elementRecord() != null) {
                    for (int i = 0; i < value.size(); i++) {
                        String elementField = prefix + field.name() + "[" + i + "]";
                        requireObject(value.get(i), elementField, typeName);
                        requirePresent(value.get(i), field.elementRecord(), elementField + ".", typeName);
                    }
                }
            }
        }
    }

    private static void requireObject(JsonNode value, String field, String typeName) {
        if (!value.isObject()) {
            throw new EventDecodingException(
                    EventDecodingException.Reason.INVALID_FIELD, typeName + ": field '" + field + "' must be an object");
        }
    }

    /**
     * A record component as the presence check needs it.
     *
     * @param record the component's type when it is a record, else null
     * @param list whether the component is a list
     * @param elementRecord the list's element type when that is a record, else null
     */
    private record Field(String name, boolean optional, Class<?> record, boolean list, Class<?> elementRecord) {
        static Field of(RecordComponent component) {
            Class<?> type = component.getType();
            boolean list = List.class.isAssignableFrom(type);
            Class<?> element = list ? elementType(component.getGenericType()) : null;
            return new Field(component.getName(), component.isAnnotationPresent(OptionalField.class),
                    type.isRecord() ? type : null, list, element != null && element.isRecord() ? element : null);
        }
    }

    private List<Field> fieldsOf(Class<?> recordClass) {
        return fields.computeIfAbsent(recordClass,
                c -> Arrays.stream(c.getRecordComponents()).map(Field::of).toList());
    }

    private static Class<?> elementType(Type generic) {
        if (generic instanceof ParameterizedType parameterized
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
            return element;
        }
        return null;
    }

    private static String path(MismatchedInputException e) {
        String joined = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining());
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }

    private static String firstLine(Exception e) {
        String message = e instanceof JacksonException jackson ? jackson.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        // Jackson quotes offending tokens and numbers (up to 1000 digits) in its messages.
        return line.length() <= MAX_DETAIL ? line : line.substring(0, MAX_DETAIL) + "…";
    }

    /** Values from the wire are quoted truncated, so a hostile record cannot flood a log line. */
    private static String quote(String value) {
        return oneLine(value.length() <= MAX_QUOTED_VALUE ? value : value.substring(0, MAX_QUOTED_VALUE) + "…");
    }

    /** Control characters from the wire are escaped, so a hostile record cannot forge log lines. */
    private static String oneLine(String text) {
        if (text == null || text.chars().noneMatch(Character::isISOControl)) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        text.chars().forEach(c -> {
            if (Character.isISOControl(c)) {
                escaped.append(String.format("\\u%04x", c));
            } else {
                escaped.append((char) c);
            }
        });
        return escaped.toString();
    }
}
