package dev.baton.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.events.EventDecodingException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile or broken producer must not flood logs or forge log lines: rejection messages stay short and on one
 * line, whatever the size of the offending value.
 */
class EventCodecHostileInputTest {
    /** Longest message seen: an invalid id of the maximum length plus its field and type. */
    private static final int SHORT = 300;
    private static final String HUGE = "x".repeat(100_000);

    private final EventCodec codec = new EventCodec();

    private static byte[] roleMovedWith(String pointer, String json) {
        return JsonEdits.of(SampleEvents.full(EventType.ROLE_MOVED)).set(pointer, json).bytes();
    }

    private static String text(String value) {
        return JsonEdits.MAPPER.getNodeFactory().textNode(value).toString();
    }

    static Stream<Arguments> hostileRecords() {
        return Stream.of(
                Arguments.of("huge type", Reason.UNKNOWN_TYPE, roleMovedWith("/type", text(HUGE)), "unknown event type"),
                Arguments.of("huge enum value", Reason.INVALID_FIELD, roleMovedWith("/reason", text(HUGE)), "'reason'"),
                Arguments.of("huge schemaVersion", Reason.INVALID_FIELD,
                        roleMovedWith("/schemaVersion", text(HUGE)), "'schemaVersion'"),
                Arguments.of("huge id", Reason.INVALID_FIELD, roleMovedWith("/roleId", text(HUGE)), "roleId"),
                Arguments.of("huge uuid", Reason.INVALID_FIELD, roleMovedWith("/eventId", text(HUGE)), "'eventId'"),
                Arguments.of("huge instant", Reason.INVALID_FIELD, roleMovedWith("/decidedAt", text(HUGE)), "'decidedAt'"),
                Arguments.of("huge string for a number", Reason.INVALID_FIELD,
                        roleMovedWith("/epoch", text(HUGE)), "'epoch'"),
                Arguments.of("1000-digit number", Reason.INVALID_FIELD,
                        roleMovedWith("/epoch", "9".repeat(1000)), "RoleMoved: "),
                Arguments.of("huge bare token", Reason.MALFORMED_JSON,
                        HUGE.getBytes(StandardCharsets.UTF_8), "malformed JSON"),
                Arguments.of("huge token inside an object", Reason.MALFORMED_JSON,
                        ("{\"type\":" + HUGE + "}").getBytes(StandardCharsets.UTF_8), "malformed JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRecords")
    void shouldKeepTheMessageShort(String label, Reason reason, byte[] json, String names) {
        EventDecodingException e = catchThrowableOfType(EventDecodingException.class, () -> codec.decode(json));

        assertThat(e).as(label).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).contains(names).hasSizeLessThan(SHORT).doesNotContain("\n");
    }

    @Test
    void shouldTruncateQuotedValuesWithAnEllipsis() {
        EventDecodingException e = catchThrowableOfType(
                EventDecodingException.class, () -> codec.decode(roleMovedWith("/type", text(HUGE))));

        assertThat(e.getMessage()).isEqualTo("unknown event type '" + "x".repeat(80) + "…'");
    }

    static Stream<Arguments> lineBreakingValues() {
        return Stream.of(
                Arguments.of("/type", text("Role\nMoved: forged line")),
                Arguments.of("/reason", text("FAILOVER\r\n2025-01-01 ERROR forged")),
                Arguments.of("/roleId", text("billing\nforged")),
                Arguments.of("/to", text("srv\u001b[31m")),
                Arguments.of("/eventId", text("0000\n0000")));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("lineBreakingValues")
    void shouldEscapeControlCharactersFromTheWire(String pointer, String json) {
        EventDecodingException e = catchThrowableOfType(
                EventDecodingException.class, () -> codec.decode(roleMovedWith(pointer, json)));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n", "\r", "\u001b").contains("\\u00");
    }

    @Test
    void shouldDecodeEventWithHugeUnknownField() {
        BatonEvent sample = SampleEvents.full(EventType.ROLE_MOVED);

        assertThat(codec.decode(roleMovedWith("/padding", text(HUGE)))).isEqualTo(sample);
    }

    @Test
    void shouldRejectDeeplyNestedJson() {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        byte[] json = ("{\"type\":\"RoleMoved\",\"unknown\":" + deep + "}").getBytes(StandardCharsets.UTF_8);

        EventDecodingException e = catchThrowableOfType(EventDecodingException.class, () -> codec.decode(json));

        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(e.getMessage()).contains("nesting depth").hasSizeLessThan(SHORT);
    }
}
