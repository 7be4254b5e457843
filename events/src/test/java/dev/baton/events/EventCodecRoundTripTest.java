package dev.baton.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecRoundTripTest {
    private final EventCodec codec = new EventCodec();

    static Stream<BatonEvent> everySample() {
        return Arrays.stream(EventType.values()).flatMap(type -> SampleEvents.all(type).stream());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventType.class)
    void shouldHaveSamplesOfEveryEventType(EventType type) {
        assertThat(SampleEvents.all(type))
                .isNotEmpty()
                .allSatisfy(sample -> {
                    assertThat(sample.type()).isEqualTo(type);
                    assertThat(sample).isInstanceOf(type.eventClass());
                });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventType.class)
    void shouldSetEveryOptionalFieldInTheFullSampleOrAVariant(EventType type) {
        Set<String> set = new TreeSet<>();
        for (BatonEvent sample : SampleEvents.all(type)) {
            set.addAll(optionalPathsSetIn(sample));
        }
        assertThat(set).isEqualTo(optionalPathsOf(type.eventClass()));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventType.class)
    void shouldLeaveEveryOptionalFieldAbsentInTheMinimalSample(EventType type) {
        assertThat(optionalPathsSetIn(SampleEvents.minimal(type))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySample")
    void shouldDecodeWhatItEncodes(BatonEvent sample) {
        byte[] json = codec.encode(sample);

        BatonEvent decoded = codec.decode(json);

        assertThat(decoded).isEqualTo(sample);
        assertThat(codec.encode(decoded)).isEqualTo(json);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySample")
    void shouldDecodeAsItsOwnClass(BatonEvent sample) {
        BatonEvent decoded = codec.decode(codec.encode(sample), sample.type().eventClass());

        assertThat(decoded).isEqualTo(sample);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySample")
    void shouldWriteTypeAndSchemaVersionFirst(BatonEvent sample) {
        String json = codec.encodeToString(sample);

        assertThat(json).startsWith(
                "{\"type\":\"" + sample.type().wireName() + "\",\"schemaVersion\":" + EventType.CURRENT_SCHEMA_VERSION
                        + ",");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySample")
    void shouldWriteTheSameJsonAsBytesAndAsString(BatonEvent sample) {
        assertThat(new String(codec.encode(sample), StandardCharsets.UTF_8)).isEqualTo(codec.encodeToString(sample));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySample")
    void shouldWriteEveryRecordComponentUnderItsOwnName(BatonEvent sample) {
        JsonNode tree = JsonEdits.parse(codec.encode(sample));

        var expected = new TreeSet<String>(List.of("type", "schemaVersion"));
        for (RecordComponent component : sample.getClass().getRecordComponents()) {
            if (value(component, sample) != null) {
                expected.add(component.getName());
            }
        }
        var actual = new TreeSet<String>();
        tree.fieldNames().forEachRemaining(actual::add);
        assertThat(actual).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventType.class)
    void shouldOmitAbsentOptionalFields(EventType type) {
        BatonEvent minimal = SampleEvents.minimal(type);
        JsonNode tree = JsonEdits.parse(codec.encode(minimal));

        for (RecordComponent component : minimal.getClass().getRecordComponents()) {
            if (!component.isAnnotationPresent(OptionalField.class)) {
                assertThat(tree.has(component.getName())).as("required %s is written", component.getName()).isTrue();
            } else if (Collection.class.isAssignableFrom(component.getType())) {
                // Records normalise an absent optional list to an empty one; it is written as [].
                assertThat(tree.get(component.getName()).isEmpty()).as(component.getName()).isTrue();
            } else {
                assertThat(tree.has(component.getName())).as("absent %s is omitted", component.getName()).isFalse();
            }
        }
    }

    @Test
    void shouldWriteInstantsAsIso8601Strings() {
        JsonNode tree = JsonEdits.parse(codec.encode(SampleEvents.full(EventType.ROLE_MOVED)));

        assertThat(tree.get("occurredAt").isTextual()).isTrue();
        assertThat(tree.get("occurredAt").asText()).isEqualTo("2025-03-14T09:26:53.589Z");
        assertThat(tree.get("detectedAt").asText()).isEqualTo("2025-03-14T09:26:53.412Z");
    }

    @Test
    void shouldKeepNanosecondsOfInstants() {
        Instant precise = Instant.parse("2025-03-14T09:26:53.123456789Z");
        var event = new ServerUp(UUID.randomUUID(), precise, "srv-01", "inc-1", "srv-01.baton.internal");

        ServerUp decoded = codec.decode(codec.encode(event), ServerUp.class);

        assertThat(decoded.occurredAt()).isEqualTo(precise);
        assertThat(codec.encodeToString(event)).contains("\"occurredAt\":\"2025-03-14T09:26:53.123456789Z\"");
    }

    @Test
    void shouldEncodeNonAsciiTextAsUtf8() {
        var event = new ProxyReconnectFailed(
                UUID.randomUUID(), SampleEvents.OCCURRED_AT, "billing", "gw-1", 7, 1, "Überlast — Verbindung abgelehnt");

        byte[] json = codec.encode(event);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"reason\":\"Überlast — Verbindung abgelehnt\"");
        assertThat(codec.decode(json)).isEqualTo(event);
    }

    @Test
    void shouldDecodeAbsentOptionalListAsEmpty() {
        byte[] json = JsonEdits.of(SampleEvents.minimal(EventType.HEARTBEAT)).remove("/databases").bytes();

        Heartbeat decoded = codec.decode(json, Heartbeat.class);

        assertThat(decoded.databases()).isEmpty();
    }

    @Test
    void shouldDecodeNullOptionalFieldAsAbsent() {
        byte[] json = JsonEdits.of(SampleEvents.minimal(EventType.ROLE_MOVED))
                .set("/from", "null")
                .set("/detectedAt", "null")
                .bytes();

        RoleMoved decoded = codec.decode(json, RoleMoved.class);

        assertThat(decoded).isEqualTo(SampleEvents.minimal(EventType.ROLE_MOVED));
    }

    @Test
    void shouldRoundTripPluginSpecWithOnlyItsKind() {
        var event = new RoleConfigured(UUID.randomUUID(), SampleEvents.OCCURRED_AT, "billing", 1, List.of("srv-01"),
                false, 0, null, new PluginSpec("sample", null, null, null), "alice");

        RoleConfigured decoded = codec.decode(codec.encode(event), RoleConfigured.class);

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.plugin().port()).isNull();
        assertThat(JsonEdits.parse(codec.encode(event)).get("plugin").has("port")).isFalse();
    }

    @Test
    void shouldAcceptIsoInstantsWithAnOffset() {
        byte[] json = JsonEdits.of(SampleEvents.full(EventType.SERVER_UP))
                .set("/occurredAt", "\"2025-03-14T10:26:53.589+01:00\"")
                .bytes();

        assertThat(codec.decode(json).occurredAt()).isEqualTo(SampleEvents.OCCURRED_AT);
    }

    // --- optional-field bookkeeping: paths such as "roles[].endpoint" or "plugin.port"

    private static Set<String> optionalPathsOf(Class<?> recordClass) {
        Set<String> paths = new TreeSet<>();
        collectOptionalPaths(recordClass, "", paths);
        return paths;
    }

    private static void collectOptionalPaths(Class<?> recordClass, String prefix, Set<String> paths) {
        for (RecordComponent component : recordClass.getRecordComponents()) {
            String path = prefix + component.getName();
            if (component.isAnnotationPresent(OptionalField.class)) {
                paths.add(path);
            }
            Class<?> nested = nestedRecord(component);
            if (nested != null) {
                collectOptionalPaths(nested, path + (component.getType().isRecord() ? "." : "[]."), paths);
            }
        }
    }

    private static Set<String> optionalPathsSetIn(Object record) {
        Set<String> paths = new TreeSet<>();
        collectSetPaths(record, "", paths);
        return paths;
    }

    private static void collectSetPaths(Object record, String prefix, Set<String> paths) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            String path = prefix + component.getName();
            Object value = value(component, record);
            if (component.isAnnotationPresent(OptionalField.class) && isSet(value)) {
                paths.add(path);
            }
            if (value != null && component.getType().isRecord()) {
                collectSetPaths(value, path + ".", paths);
            } else if (value instanceof List<?> list && nestedRecord(component) != null) {
                for (Object element : list) {
                    collectSetPaths(element, path + "[].", paths);
                }
            }
        }
    }

    private static boolean isSet(Object value) {
        if (value instanceof Collection<?> collection) {
            return !collection.isEmpty();
        }
        if (value instanceof Map<?, ?> map) {
            return !map.isEmpty();
        }
        return value != null;
    }

    private static Class<?> nestedRecord(RecordComponent component) {
        if (component.getType().isRecord()) {
            return component.getType();
        }
        if (List.class.isAssignableFrom(component.getType())
                && component.getGenericType() instanceof ParameterizedType parameterized
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> element
                && element.isRecord()) {
            return element;
        }
        return null;
    }

    /** A component's value; an optional {@code false} flag counts as absent, since the codec omits it. */
    private static Object value(RecordComponent component, Object record) {
        try {
            Object value = component.getAccessor().invoke(record);
            return Boolean.FALSE.equals(value) && component.isAnnotationPresent(OptionalField.class) ? null : value;
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }
}
