package dev.baton.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Readers are lenient: fields a newer writer added are ignored, wherever they are. */
class EventCodecUnknownFieldsTest {
    private final EventCodec codec = new EventCodec();

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventType.class)
    void shouldIgnoreUnknownTopLevelField(EventType type) {
        BatonEvent sample = SampleEvents.full(type);
        byte[] json = JsonEdits.of(sample)
                .set("/addedInALaterRelease", "{\"nested\":[1,2,{\"deep\":null}],\"flag\":true}")
                .set("/priority", "3")
                .bytes();

        assertThat(codec.decode(json)).isEqualTo(sample);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "HEARTBEAT,          /roles/0",
        "HEARTBEAT,          /roles/1",
        "HEARTBEAT,          /roles/0/endpoint",
        "HEARTBEAT,          /databases/0",
        "ROLE_STATE_CHANGED, /endpoint",
        "ROLE_ASSIGNMENT,    /endpoint",
        "ROLE_CONFIGURED,    /database",
        "ROLE_CONFIGURED,    /plugin",
    })
    void shouldIgnoreUnknownNestedField(EventType type, String objectPointer) {
        BatonEvent sample = SampleEvents.full(type);
        byte[] json = JsonEdits.of(sample)
                .set(objectPointer + "/addedInALaterRelease", "{\"tls\":true,\"ciphers\":[\"a\",\"b\"]}")
                .set(objectPointer + "/weight", "0.5")
                .bytes();

        assertThat(codec.decode(json)).isEqualTo(sample);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"null", "\"text\"", "[]", "{}", "-1", "1e400"})
    void shouldIgnoreUnknownFieldWhateverItsValue(String value) {
        BatonEvent sample = SampleEvents.full(EventType.ROLE_MOVED);
        byte[] json = JsonEdits.of(sample).set("/unknown", value).bytes();

        assertThat(codec.decode(json)).isEqualTo(sample);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventType.class)
    void shouldIgnoreFieldOrder(EventType type) {
        BatonEvent sample = SampleEvents.full(type);
        var original = JsonEdits.of(sample).tree();
        var reversed = JsonEdits.MAPPER.createObjectNode();
        var names = new java.util.ArrayList<String>();
        original.fieldNames().forEachRemaining(names::add);
        java.util.Collections.reverse(names);
        names.forEach(name -> reversed.set(name, original.get(name)));

        byte[] json = reversed.toString().getBytes(StandardCharsets.UTF_8);

        assertThat(reversed.fieldNames().next()).isNotEqualTo("type");
        assertThat(codec.decode(json)).isEqualTo(sample);
    }
}
