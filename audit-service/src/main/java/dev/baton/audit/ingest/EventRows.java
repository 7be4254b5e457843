package dev.baton.audit.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.baton.events.BatonEvent;
import dev.baton.events.ConfigEvent;
import dev.baton.events.DeadLetter;
import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import dev.baton.events.EventType;
import dev.baton.events.Heartbeat;
import dev.baton.events.ProxyEvent;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleEvent;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.ServerEvent;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns Kafka records into rows of the {@code events} table. Pure: no Kafka, JDBC or clock.
 *
 * <p>A record that decodes is stored under its own {@code eventId}, with its original JSON as the payload (so
 * fields this build does not know are kept) and the role, server and epoch it is about as columns. A record
 * that does not decode is stored as a {@code DeadLetter} with the reason. Its id is derived (name-based UUID,
 * version 3) from where it was read and its Kafka timestamp, {@link #deadLetterId}, exactly as every other reader
 * derives it: a redelivered record, or the dead letter another service published for the same record, gets the same
 * id and is ignored like any duplicate, while a record published twice (two offsets) is stored twice,
 * as it is twice on the log. Its {@code occurredAt} is the record's Kafka timestamp, for the same reason.
 *
 * <p>Values PostgreSQL cannot hold are made storable here rather than failing the batch: NUL characters
 * (refused by {@code text} and {@code jsonb}) become U+FFFD, and an event whose instants fall outside years
 * 1–9999 (which PostgreSQL could not parse back from the payload) is stored as a dead letter.
 */
public final class EventRows {
    /** The {@code type} of rows for records that could not be decoded. */
    public static final String DEAD_LETTER_TYPE = EventType.DEAD_LETTER.wireName();
    /** The field added to a dead letter's JSON holding the original value when that value was JSON. */
    public static final String RAW_JSON_FIELD = "rawJson";

    private static final Instant MIN_STORABLE = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant MAX_STORABLE = Instant.parse("9999-12-31T23:59:59.999999Z");
    private static final String NUL_ESCAPE = "\\u0000";
    private static final String REPLACEMENT = "\uFFFD";

    private final EventCodec codec;
    private final String rejectedBy;
    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Big numbers stay exact: jsonb keeps arbitrary precision, a double would not.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    /**
     * @param rejectedBy written into the dead letters this class makes, e.g. {@code audit-service}
     */
    public EventRows(EventCodec codec, String rejectedBy) {
        this.codec = codec;
        this.rejectedBy = rejectedBy;
    }

    /** The row for {@code record}: the decoded event, or a dead letter saying why it could not be decoded. */
    public StoredEvent toRow(RawRecord record) {
        BatonEvent event;
        try {
            event = codec.decode(record.value());
        } catch (EventDecodingException e) {
            return deadLetter(record, e.getMessage(), deadLetterId(record));
        }
        String unstorable = unstorableInstant(event);
        if (unstorable != null) {
            return deadLetter(record, unstorable, event.eventId());
        }
        Columns columns = columnsOf(event);
        return new StoredEvent(
                event.eventId(),
                record.topic(),
                record.partition(),
                record.offset(),
                storableText(record.key()),
                event.type().wireName(),
                columns.roleId(),
                columns.serverId(),
                columns.epoch(),
                micros(event.occurredAt()),
                storableJson(new String(record.value(), StandardCharsets.UTF_8)));
    }

    /**
     * The dead letter that replaces {@code row} when PostgreSQL refused to store it; same id, so a redelivery
     * is still ignored. The refused payload is kept as text.
     */
    public StoredEvent refused(StoredEvent row, String reason) {
        DeadLetter letter = new DeadLetter(row.eventId(), row.occurredAt(), row.topic(), row.partition(), row.offset(),
                row.key(), "PostgreSQL refused the event: " + reason, row.payload(), null, rejectedBy);
        return new StoredEvent(row.eventId(), row.topic(), row.partition(), row.offset(), row.key(), DEAD_LETTER_TYPE,
                null, null, null, row.occurredAt(), storableJson(codec.encodeToString(letter)));
    }

    /**
     * The stable id of the dead letter for an undecodable record ({@link DeadLetter#idFor} its coordinates and
     * timestamp): the same id as the dead letter any other reader published for it, so it is stored once.
     */
    public static UUID deadLetterId(RawRecord record) {
        return DeadLetter.idFor(record.topic(), record.partition(), record.offset(), record.timestamp());
    }

    /** The role, server and epoch columns of {@code event}; null where the event is not about one. */
    public static Columns columnsOf(BatonEvent event) {
        if (event instanceof RoleMoved moved) {
            // The move puts the role on 'to': a server's history shows the roles it received.
            return new Columns(moved.roleId(), moved.to(), moved.epoch());
        }
        if (event instanceof RoleStateChanged changed) {
            return new Columns(changed.roleId(), changed.serverId(), changed.epoch());
        }
        if (event instanceof RoleEvent role) {
            return new Columns(role.roleId(), null, role.epoch());
        }
        if (event instanceof ServerEvent server) {
            return new Columns(null, server.serverId(), null);
        }
        if (event instanceof ProxyEvent proxy) {
            return new Columns(proxy.roleId(), null, proxy.epoch());
        }
        if (event instanceof ConfigEvent config) {
            return new Columns(config.roleId(), null, null);
        }
        if (event instanceof RoleAssignment assignment) {
            return new Columns(assignment.roleId(), assignment.serverId(), assignment.epoch());
        }
        if (event instanceof Heartbeat heartbeat) {
            return new Columns(null, heartbeat.serverId(), null);
        }
        return new Columns(null, null, null);
    }

    /** The columns an event fills besides its envelope. */
    public record Columns(String roleId, String serverId, Long epoch) {
    }

    private StoredEvent deadLetter(RawRecord record, String reason, UUID id) {
        Instant at = micros(clamp(Instant.ofEpochMilli(record.timestamp())));
        String text = null;
        String base64 = null;
        JsonNode rawJson = null;
        if (record.value() != null) {
            text = utf8OrNull(record.value());
            if (text == null) {
                base64 = Base64.getEncoder().encodeToString(record.value());
            } else {
                rawJson = jsonOrNull(text);
            }
        }
        String safeReason = reason == null || reason.isBlank() ? "undecodable record" : reason;
        DeadLetter letter = new DeadLetter(id, at, record.topic(), record.partition(), record.offset(),
                record.key(), safeReason, text, base64, rejectedBy);
        String payload = codec.encodeToString(letter);
        if (rawJson != null) {
            try {
                ObjectNode node = (ObjectNode) mapper.readTree(payload);
                node.set(RAW_JSON_FIELD, rawJson);
                payload = mapper.writeValueAsString(node);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot re-read the codec's own JSON", e);
            }
        }
        return new StoredEvent(id, record.topic(), record.partition(), record.offset(), storableText(record.key()),
                DEAD_LETTER_TYPE, null, null, null, at, storableJson(payload));
    }

    private JsonNode jsonOrNull(String text) {
        try {
            return mapper.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** Names the first instant of {@code event} PostgreSQL could not store or parse back; null when all fit. */
    static String unstorableInstant(BatonEvent event) {
        for (RecordComponent component : INSTANT_COMPONENTS.get(event.getClass())) {
            Instant value;
            try {
                value = (Instant) component.getAccessor().invoke(event);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + component.getName(), e);
            }
            if (value != null && (value.isBefore(MIN_STORABLE) || value.isAfter(MAX_STORABLE))) {
                return event.type().wireName() + ": field '" + component.getName() + "' " + value
                        + " is outside the years 1 to 9999 the audit store can hold";
            }
        }
        return null;
    }

    /** Looking record components up is slow (it parses the class file attribute): once per event class. */
    private static final ClassValue<List<RecordComponent>> INSTANT_COMPONENTS = new ClassValue<>() {
        @Override
        protected List<RecordComponent> computeValue(Class<?> type) {
            return Arrays.stream(type.getRecordComponents())
                    .filter(component -> component.getType() == Instant.class)
                    .toList();
        }
    };

    private static Instant clamp(Instant instant) {
        return instant.isBefore(MIN_STORABLE) || instant.isAfter(MAX_STORABLE) ? Instant.EPOCH : instant;
    }

    /** PostgreSQL keeps microseconds; truncating here makes the row equal to what is read back. */
    static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** {@code text} without NUL characters, which PostgreSQL {@code text} refuses. */
    static String storableText(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace("\0", REPLACEMENT);
    }

    /**
     * {@code json} as {@code jsonb} accepts it: jsonb refuses the escape {@code \u0000}, so string values and
     * field names holding NUL are rewritten with U+FFFD. Text without that escape is returned as it is.
     */
    String storableJson(String json) {
        if (!json.contains(NUL_ESCAPE) && json.indexOf('\0') < 0 && !json.startsWith("\uFEFF")) {
            return json;
        }
        try {
            String text = json.startsWith("\uFEFF") ? json.substring(1) : json;
            return mapper.writeValueAsString(withoutNul(mapper.readTree(text)));
        } catch (IOException e) {
            // Not JSON after all: keep it as a JSON string, which is always storable once NULs are gone.
            return TextNode.valueOf(json.replace("\0", REPLACEMENT)).toString();
        }
    }

    private static JsonNode withoutNul(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(node.asText().replace("\0", REPLACEMENT));
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(withoutNul(element)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                copy.set(field.getKey().replace("\0", REPLACEMENT), withoutNul(field.getValue()));
            }
            return copy;
        }
        return node;
    }

    private static String utf8OrNull(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
