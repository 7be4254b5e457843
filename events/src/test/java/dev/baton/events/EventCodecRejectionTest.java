package dev.baton.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.events.EventDecodingException.Reason;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a record can fail to decode: the {@link Reason}, and a message that names what is wrong. */
class EventCodecRejectionTest {
    private final EventCodec codec = new EventCodec();

    private static JsonEdits roleMoved() {
        return JsonEdits.of(SampleEvents.full(EventType.ROLE_MOVED));
    }

    private static JsonEdits heartbeat() {
        return JsonEdits.of(SampleEvents.full(EventType.HEARTBEAT));
    }

    private static JsonEdits sample(EventType type) {
        return JsonEdits.of(SampleEvents.full(type));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(byte[] json, Reason reason) {
        return assertThatThrownBy(() -> codec.decode(json))
                .isInstanceOf(EventDecodingException.class)
                .satisfies(e -> assertThat(((EventDecodingException) e).reason()).isEqualTo(reason))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String json, Reason reason) {
        return assertRejected(json.getBytes(StandardCharsets.UTF_8), reason);
    }

    // --- malformed JSON

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "not json",
        "{\"type\":\"RoleMoved\",\"schemaVersion\":1,\"roleId\":\"bil",
        "{\"type\":\"RoleMoved\",",
        "{\"type\" \"RoleMoved\"}",
        "{'type':'RoleMoved'}",
    })
    void shouldRejectMalformedJson(String json) {
        assertRejected(json, Reason.MALFORMED_JSON).hasMessageStartingWith("malformed JSON: ");
    }

    @Test
    void shouldRejectTruncatedEvent() {
        byte[] json = roleMoved().bytes();

        assertRejected(Arrays.copyOf(json, json.length / 2), Reason.MALFORMED_JSON)
                .hasMessageStartingWith("malformed JSON: ")
                .hasMessageContaining("end-of-input");
    }

    @Test
    void shouldRejectEmptyBytes() {
        assertRejected(new byte[0], Reason.MALFORMED_JSON).hasMessage("empty record value");
    }

    @Test
    void shouldRejectNullValue() {
        assertThatThrownBy(() -> codec.decode(null))
                .isInstanceOf(EventDecodingException.class)
                .hasMessage("empty record value")
                .satisfies(e -> assertThat(((EventDecodingException) e).reason()).isEqualTo(Reason.MALFORMED_JSON));
    }

    @Test
    void shouldRejectInvalidUtf8() {
        assertRejected(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}, Reason.MALFORMED_JSON)
                .hasMessageStartingWith("malformed JSON: ")
                .hasMessageContaining("UTF-8");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"[]", "[{\"type\":\"ServerUp\"}]", "\"RoleMoved\"", "42", "true", "null", "   "})
    void shouldRejectJsonThatIsNotAnObject(String json) {
        assertRejected(json, Reason.MALFORMED_JSON).hasMessage("malformed JSON: the value is not a JSON object");
    }

    @Test
    void shouldRejectEventWrappedInAnArray() {
        String event = new String(roleMoved().bytes(), StandardCharsets.UTF_8);

        assertRejected("[" + event + "]", Reason.MALFORMED_JSON).hasMessageContaining("not a JSON object");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {" {}", " []", " x", " 1", "}", " \"more\""})
    void shouldRejectTrailingTokens(String trailing) {
        String event = new String(roleMoved().bytes(), StandardCharsets.UTF_8);

        assertRejected(event + trailing, Reason.MALFORMED_JSON).hasMessageStartingWith("malformed JSON: ");
    }

    @Test
    void shouldAcceptTrailingWhitespace() {
        String event = new String(roleMoved().bytes(), StandardCharsets.UTF_8);

        assertThat(codec.decode((event + " \n\t").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(SampleEvents.full(EventType.ROLE_MOVED));
    }

    // --- type

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"RoleDeleted", "rolemoved", "ROLE_MOVED", "", " RoleMoved"})
    void shouldRejectUnknownType(String type) {
        byte[] json = roleMoved().set("/type", JsonEdits.MAPPER.getNodeFactory().textNode(type)).bytes();

        assertRejected(json, Reason.UNKNOWN_TYPE).hasMessage("unknown event type '" + type + "'");
    }

    @Test
    void shouldRejectMissingType() {
        assertRejected(roleMoved().remove("/type").bytes(), Reason.MISSING_FIELD)
                .hasMessage("missing required field 'type'");
    }

    @Test
    void shouldRejectNullType() {
        assertRejected(roleMoved().set("/type", "null").bytes(), Reason.MISSING_FIELD)
                .hasMessage("missing required field 'type'");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1", "[\"RoleMoved\"]", "{\"name\":\"RoleMoved\"}", "true"})
    void shouldRejectTypeThatIsNotAString(String type) {
        assertRejected(roleMoved().set("/type", type).bytes(), Reason.INVALID_FIELD)
                .hasMessageContaining("field 'type' must be a string");
    }

    // --- schemaVersion

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {2, 0, -1, Integer.MAX_VALUE})
    void shouldRejectUnsupportedSchemaVersion(int version) {
        byte[] json = roleMoved().set("/schemaVersion", String.valueOf(version)).bytes();

        assertRejected(json, Reason.UNSUPPORTED_SCHEMA_VERSION)
                .hasMessageStartingWith("RoleMoved: ")
                .hasMessageContaining("schemaVersion " + version + " is not supported");
    }

    @Test
    void shouldRejectMissingSchemaVersion() {
        assertRejected(roleMoved().remove("/schemaVersion").bytes(), Reason.MISSING_FIELD)
                .hasMessage("RoleMoved: missing required field 'schemaVersion'");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"1\"", "1.0", "1.5", "1e0", "true", "[1]", "{}", "4294967297"})
    void shouldRejectNonIntegerSchemaVersion(String version) {
        assertRejected(roleMoved().set("/schemaVersion", version).bytes(), Reason.INVALID_FIELD)
                .hasMessageStartingWith("RoleMoved: field 'schemaVersion' must be an integer");
    }

    @Test
    void shouldCheckSchemaVersionBeforeFields() {
        // A future version may have dropped or renamed fields: the version, not a missing field, is the reason.
        byte[] json = roleMoved().set("/schemaVersion", "2").remove("/epoch").bytes();

        assertRejected(json, Reason.UNSUPPORTED_SCHEMA_VERSION);
    }

    // --- missing required fields

    static Stream<Arguments> everyRequiredTopLevelField() {
        return Arrays.stream(EventType.values()).flatMap(type -> Arrays.stream(type.eventClass().getRecordComponents())
                .filter(component -> !component.isAnnotationPresent(OptionalField.class))
                .map(RecordComponent::getName)
                .map(field -> Arguments.of(type, field)));
    }

    @ParameterizedTest(name = "{0} without {1}")
    @MethodSource("everyRequiredTopLevelField")
    void shouldRejectMissingRequiredField(EventType type, String field) {
        byte[] json = JsonEdits.of(SampleEvents.minimal(type)).remove("/" + field).bytes();

        assertRejected(json, Reason.MISSING_FIELD)
                .hasMessage(type.wireName() + ": missing required field '" + field + "'");
    }

    @ParameterizedTest(name = "{0} with null {1}")
    @MethodSource("everyRequiredTopLevelField")
    void shouldRejectNullRequiredField(EventType type, String field) {
        byte[] json = JsonEdits.of(SampleEvents.minimal(type)).set("/" + field, "null").bytes();

        assertRejected(json, Reason.MISSING_FIELD)
                .hasMessage(type.wireName() + ": missing required field '" + field + "'");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"roleId", "epoch", "to", "reason", "cause", "decidedAt"})
    void shouldRejectRoleMovedWithoutRequiredField(String field) {
        assertRejected(roleMoved().remove("/" + field).bytes(), Reason.MISSING_FIELD)
                .hasMessage("RoleMoved: missing required field '" + field + "'");
    }

    @Test
    void shouldNotDefaultMissingEpochToZero() {
        byte[] json = roleMoved().remove("/epoch").bytes();

        assertThatThrownBy(() -> codec.decode(json, RoleMoved.class))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("'epoch'");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "HEARTBEAT,          /roles/0/state,           roles[0].state",
        "HEARTBEAT,          /roles/0/roleId,          roles[0].roleId",
        "HEARTBEAT,          /roles/0/epoch,           roles[0].epoch",
        "HEARTBEAT,          /roles/1/state,           roles[1].state",
        "HEARTBEAT,          /roles/0/endpoint/port,   roles[0].endpoint.port",
        "HEARTBEAT,          /roles/0/endpoint/host,   roles[0].endpoint.host",
        "HEARTBEAT,          /databases/1/reachable,   databases[1].reachable",
        "ROLE_STATE_CHANGED, /endpoint/port,           endpoint.port",
        "ROLE_ASSIGNMENT,    /endpoint/host,           endpoint.host",
        "ROLE_CONFIGURED,    /database/port,           database.port",
        "ROLE_CONFIGURED,    /database/server,         database.server",
        "ROLE_CONFIGURED,    /plugin/kind,             plugin.kind",
    })
    void shouldRejectMissingNestedRequiredField(EventType type, String pointer, String field) {
        assertRejected(sample(type).remove(pointer).bytes(), Reason.MISSING_FIELD)
                .hasMessage(type.wireName() + ": missing required field '" + field + "'");
    }

    @Test
    void shouldRejectNullNestedRequiredField() {
        assertRejected(heartbeat().set("/roles/0/epoch", "null").bytes(), Reason.MISSING_FIELD)
                .hasMessage("Heartbeat: missing required field 'roles[0].epoch'");
    }

    // --- ids

    static Stream<Arguments> idFields() {
        return Stream.of(
                Arguments.of(EventType.ROLE_MOVED, "/roleId", "roleId"),
                Arguments.of(EventType.ROLE_MOVED, "/to", "to"),
                Arguments.of(EventType.ROLE_MOVED, "/from", "from"),
                Arguments.of(EventType.HEARTBEAT, "/serverId", "serverId"),
                Arguments.of(EventType.HEARTBEAT, "/incarnation", "incarnation"),
                Arguments.of(EventType.HEARTBEAT, "/roles/1/roleId", "roleId"),
                Arguments.of(EventType.HEARTBEAT, "/databases/0/roleId", "roleId"),
                Arguments.of(EventType.ROLE_ASSIGNMENT, "/serverId", "serverId"),
                Arguments.of(EventType.ROLE_CONFIGURED, "/servers/1", "servers[1]"),
                Arguments.of(EventType.PROXY_RECONNECTED, "/gatewayId", "gatewayId"),
                Arguments.of(EventType.SERVER_DOWN, "/incarnation", "incarnation"));
    }

    static Stream<Arguments> idFieldsWithBadValues() {
        return idFields().flatMap(field -> Stream.of(
                        Arguments.of("", "is empty"),
                        Arguments.of("x".repeat(Ids.MAX_LENGTH + 1), "is 129 characters long; the limit is 128"),
                        Arguments.of("srv 01", "has characters outside [A-Za-z0-9._-]"),
                        Arguments.of("srv/01", "has characters outside [A-Za-z0-9._-]"),
                        Arguments.of("sérveur", "has characters outside [A-Za-z0-9._-]"),
                        Arguments.of("srv\"01", "has characters outside [A-Za-z0-9._-]"),
                        Arguments.of("srv:01", "has characters outside [A-Za-z0-9._-]"),
                        Arguments.of("srv\n01", "has characters outside [A-Za-z0-9._-]"))
                .map(bad -> Arguments.of(field.get()[0], field.get()[1], field.get()[2], bad.get()[0], bad.get()[1])));
    }

    @ParameterizedTest(name = "{0} {1} = \"{3}\"")
    @MethodSource("idFieldsWithBadValues")
    void shouldRejectInvalidId(EventType type, String pointer, String field, String value, String problem) {
        byte[] json = sample(type).set(pointer, JsonEdits.MAPPER.getNodeFactory().textNode(value)).bytes();

        assertRejected(json, Reason.INVALID_FIELD)
                .hasMessageStartingWith(type.wireName() + ": " + field + " ")
                .hasMessageContaining(problem);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("idFields")
    void shouldAcceptIdOfMaximumLengthWithEveryAllowedCharacterClass(EventType type, String pointer) {
        String id = "Az09._-" + "x".repeat(Ids.MAX_LENGTH - 7);
        byte[] json = sample(type).set(pointer, JsonEdits.MAPPER.getNodeFactory().textNode(id)).bytes();

        BatonEvent decoded = codec.decode(json);

        assertThat(JsonEdits.parse(codec.encode(decoded)).at(pointer).asText()).isEqualTo(id).hasSize(128);
    }

    // --- enums

    @ParameterizedTest(name = "{0} {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "ROLE_MOVED         | /reason         | \"TELEPORT\"  | reason",
        "ROLE_MOVED         | /reason         | \"failover\"  | reason",
        "ROLE_ASSIGNMENT    | /reason         | 1             | reason",
        "HEARTBEAT          | /kind           | \"main\"      | kind",
        "HEARTBEAT          | /roles/0/state  | \"EXPLODED\"  | roles[0].state",
        "ROLE_STATE_CHANGED | /state          | 2             | state",
        "SERVER_JOINED      | /kind           | \"BACKUP\"    | kind",
    })
    void shouldRejectInvalidEnumValue(EventType type, String pointer, String json, String field) {
        assertRejected(sample(type).set(pointer, json).bytes(), Reason.INVALID_FIELD)
                .hasMessageStartingWith(type.wireName() + ": field '" + field + "' has an invalid value ")
                .hasMessageContaining(json.replace("\"", ""));
    }

    // --- wrong JSON types

    @ParameterizedTest(name = "{0} {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "ROLE_MOVED         | /epoch                | \"5\"             | epoch",
        "ROLE_MOVED         | /epoch                | 1.5               | epoch",
        "ROLE_MOVED         | /epoch                | true              | epoch",
        "ROLE_MOVED         | /epoch                | {}                | epoch",
        "ROLE_MOVED         | /epoch                | [7]               | epoch",
        "ROLE_MOVED         | /roleId               | 5                 | roleId",
        "ROLE_MOVED         | /roleId               | {}                | roleId",
        "ROLE_MOVED         | /roleId               | [\"billing\"]     | roleId",
        "ROLE_MOVED         | /cause                | false             | cause",
        "ROLE_MOVED         | /eventId              | \"not-a-uuid\"    | eventId",
        "ROLE_MOVED         | /eventId              | 42                | eventId",
        "ROLE_MOVED         | /decidedAt            | \"yesterday\"     | decidedAt",
        "ROLE_MOVED         | /decidedAt            | true              | decidedAt",
        "HEARTBEAT          | /sequence             | \"4182\"          | sequence",
        "HEARTBEAT          | /roles/0/epoch        | \"7\"             | roles[0].epoch",
        "HEARTBEAT          | /databases/0/reachable| \"yes\"           | databases[0].reachable",
        "HEARTBEAT          | /databases/0/reachable| 1                 | databases[0].reachable",
        "ROLE_CONFIGURED    | /forceHighestPriority | \"true\"          | forceHighestPriority",
        "ROLE_CONFIGURED    | /forceHighestPriority | 1                 | forceHighestPriority",
        "ROLE_CONFIGURED    | /servers/0            | 7                 | servers[0]",
        "ROLE_CONFIGURED    | /plugin/port          | \"47001\"         | plugin.port",
        "ROLE_CONFIGURED    | /gatewayPort          | \"7001\"          | gatewayPort",
        "ROLE_CONFIGURED    | /plugin/command/0     | 1                 | plugin.command[0]",
        "ROLE_CONFIGURED    | /plugin/environment   | [\"A=1\"]         | plugin.environment",
        "ROLE_CONFIGURED    | /plugin/environment/BILLING_LOG_LEVEL | 3 | plugin.environment.BILLING_LOG_LEVEL",
        "ROLE_STATE_CHANGED | /endpoint/port        | \"47001\"         | endpoint.port",
        "PROXY_RECONNECTED  | /reconnectMillis      | 840.5             | reconnectMillis",
    })
    void shouldRejectFieldOfWrongJsonType(EventType type, String pointer, String json, String field) {
        assertRejected(sample(type).set(pointer, json).bytes(), Reason.INVALID_FIELD)
                .hasMessageStartingWith(type.wireName() + ": field '" + field + "' ");
    }

    @ParameterizedTest(name = "{0} {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "HEARTBEAT          | /roles             | {}              | field 'roles' must be an array",
        "HEARTBEAT          | /roles             | \"billing\"     | field 'roles' must be an array",
        "HEARTBEAT          | /roles/0           | \"billing\"     | field 'roles[0]' must be an object",
        "HEARTBEAT          | /roles/0           | null            | field 'roles[0]' must be an object",
        "HEARTBEAT          | /databases         | {}              | field 'databases' must be an array",
        "ROLE_STATE_CHANGED | /endpoint          | \"srv-02:47001\"| field 'endpoint' must be an object",
        "ROLE_CONFIGURED    | /servers           | \"srv-01\"      | field 'servers' must be an array",
        "ROLE_CONFIGURED    | /database          | []              | field 'database' must be an object",
        "ROLE_CONFIGURED    | /plugin            | \"sample\"      | field 'plugin' must be an object",
    })
    void shouldRejectWrongStructure(EventType type, String pointer, String json, String problem) {
        assertRejected(sample(type).set(pointer, json).bytes(), Reason.INVALID_FIELD)
                .hasMessage(type.wireName() + ": " + problem);
    }

    @ParameterizedTest(name = "{0} {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "ROLE_CONFIGURED | /servers/1              | null | servers contains a null element",
        "ROLE_CONFIGURED | /plugin/command/1       | null | plugin.command contains a null element",
        "ROLE_CONFIGURED | /plugin/environment/X   | null | plugin.environment contains a null value",
    })
    void shouldRejectNullElement(EventType type, String pointer, String json, String problem) {
        assertRejected(sample(type).set(pointer, json).bytes(), Reason.INVALID_FIELD)
                .hasMessage(type.wireName() + ": " + problem);
    }

    // --- ranges

    @ParameterizedTest(name = "{0} {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "ROLE_STATE_CHANGED | /endpoint/port          | 0          | port must be between 1 and 65535, was 0",
        "ROLE_STATE_CHANGED | /endpoint/port          | 65536      | port must be between 1 and 65535, was 65536",
        "ROLE_STATE_CHANGED | /endpoint/port          | -1         | port must be between 1 and 65535, was -1",
        "HEARTBEAT          | /roles/0/endpoint/port  | 70000      | port must be between 1 and 65535, was 70000",
        "ROLE_ASSIGNMENT    | /endpoint/port          | 0          | port must be between 1 and 65535, was 0",
        "ROLE_CONFIGURED    | /database/port          | 0          | database.port must be between 1 and 65535, was 0",
        "ROLE_CONFIGURED    | /database/port          | 65536      | database.port must be between 1 and 65535, was 65536",
        "ROLE_CONFIGURED    | /plugin/port            | 65536      | plugin.port must be between 0 and 65535, was 65536",
        "ROLE_CONFIGURED    | /plugin/port            | -1         | plugin.port must be between 0 and 65535, was -1",
        "ROLE_CONFIGURED    | /gatewayPort            | 0          | gatewayPort must be between 1 and 65535, was 0",
        "ROLE_CONFIGURED    | /gatewayPort            | 65536      | gatewayPort must be between 1 and 65535, was 65536",
    })
    void shouldRejectPortOutOfRange(EventType type, String pointer, String json, String problem) {
        assertRejected(sample(type).set(pointer, json).bytes(), Reason.INVALID_FIELD)
                .hasMessage(type.wireName() + ": " + problem);
    }

    @ParameterizedTest(name = "{0} {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "ROLE_STATE_CHANGED | /endpoint/port | 1",
        "ROLE_STATE_CHANGED | /endpoint/port | 65535",
        "ROLE_CONFIGURED    | /plugin/port   | 0",
        "ROLE_CONFIGURED    | /database/port | 65535",
        "ROLE_CONFIGURED    | /gatewayPort   | 1",
        "ROLE_CONFIGURED    | /gatewayPort   | 65535",
    })
    void shouldAcceptPortAtTheEdgesOfItsRange(EventType type, String pointer, String json) {
        BatonEvent decoded = codec.decode(sample(type).set(pointer, json).bytes());

        assertThat(JsonEdits.parse(codec.encode(decoded)).at(pointer).asInt()).isEqualTo(Integer.parseInt(json));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "ROLE_STATE_CHANGED, /endpoint/port, int",
        "ROLE_MOVED,         /epoch,         long",
    })
    void shouldRejectNumberTooLargeForItsField(EventType type, String pointer, String javaType) {
        assertRejected(sample(type).set(pointer, "99999999999999999999999").bytes(), Reason.INVALID_FIELD)
                .hasMessageStartingWith(type.wireName() + ": ")
                .hasMessageContaining("out of range of " + javaType);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "ROLE_MOVED,             /epoch,              epoch",
        "ROLE_STATE_CHANGED,     /epoch,              epoch",
        "ROLE_UNPLACED,          /epoch,              epoch",
        "ROLE_ASSIGNMENT,        /epoch,              epoch",
        "PROXY_RECONNECTED,      /epoch,              epoch",
        "PROXY_RECONNECT_FAILED, /epoch,              epoch",
        "HEARTBEAT,              /roles/0/epoch,      epoch",
        "HEARTBEAT,              /sequence,           sequence",
        "ROLE_CONFIGURED,        /version,            version",
        "ROLE_CONFIGURED,        /failbackDelayMs,    failbackDelayMs",
        "PROXY_RECONNECTED,      /connectionsMoved,   connectionsMoved",
        "PROXY_RECONNECTED,      /bytesBuffered,      bytesBuffered",
        "PROXY_RECONNECT_FAILED, /connectionsClosed,  connectionsClosed",
        "DEAD_LETTER,            /sourcePartition,    sourcePartition",
        "DEAD_LETTER,            /sourceOffset,       sourceOffset",
    })
    void shouldRejectNegativeCount(EventType type, String pointer, String field) {
        assertRejected(sample(type).set(pointer, "-1").bytes(), Reason.INVALID_FIELD)
                .hasMessage(type.wireName() + ": " + field + " must be >= 0, was -1");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "ROLE_MOVED,      /cause,           cause",
        "SERVER_JOINED,   /host,            host",
        "ROLE_CONFIGURED, /changedBy,       changedBy",
        "ROLE_CONFIGURED, /plugin/kind,     plugin.kind",
        "ROLE_CONFIGURED, /database/host,   database.host",
        "DEAD_LETTER,     /reason,          reason",
        "MAINTENANCE_STARTED, /requestedBy, requestedBy",
    })
    void shouldRejectBlankText(EventType type, String pointer, String field) {
        assertRejected(sample(type).set(pointer, "\"  \"").bytes(), Reason.INVALID_FIELD)
                .hasMessage(type.wireName() + ": " + field + " is blank");
    }

    // --- decode(bytes, Class)

    @Test
    void shouldRejectEventOfAnotherTypeWhenATypeIsExpected() {
        byte[] json = codec.encode(SampleEvents.full(EventType.ROLE_MOVED));

        assertThatThrownBy(() -> codec.decode(json, Heartbeat.class))
                .isInstanceOf(EventDecodingException.class)
                .hasMessage("expected Heartbeat but got RoleMoved")
                .satisfies(e -> assertThat(((EventDecodingException) e).reason()).isEqualTo(Reason.UNEXPECTED_TYPE));
    }

    @Test
    void shouldRejectEventOutsideTheExpectedFamily() {
        byte[] json = codec.encode(SampleEvents.full(EventType.SERVER_DOWN));

        assertThatThrownBy(() -> codec.decode(json, RoleEvent.class))
                .isInstanceOf(EventDecodingException.class)
                .hasMessage("expected RoleEvent but got ServerDown")
                .satisfies(e -> assertThat(((EventDecodingException) e).reason()).isEqualTo(Reason.UNEXPECTED_TYPE));
    }

    @Test
    void shouldDecodeAnyMemberOfTheExpectedFamily() {
        byte[] moved = codec.encode(SampleEvents.full(EventType.ROLE_MOVED));
        byte[] unplaced = codec.encode(SampleEvents.full(EventType.ROLE_UNPLACED));

        assertThat(codec.decode(moved, RoleEvent.class)).isInstanceOf(RoleMoved.class);
        assertThat(codec.decode(unplaced, RoleEvent.class)).isInstanceOf(RoleUnplaced.class);
        assertThat(codec.decode(unplaced, BatonEvent.class)).isEqualTo(SampleEvents.full(EventType.ROLE_UNPLACED));
    }

    @Test
    void shouldReportTheDecodingProblemBeforeTheTypeMismatch() {
        byte[] json = roleMoved().remove("/epoch").bytes();

        assertThatThrownBy(() -> codec.decode(json, Heartbeat.class))
                .isInstanceOf(EventDecodingException.class)
                .satisfies(e -> assertThat(((EventDecodingException) e).reason()).isEqualTo(Reason.MISSING_FIELD));
    }

    @Test
    void shouldKeepTheJacksonCauseForDiagnosis() {
        assertThatThrownBy(() -> codec.decode(roleMoved().set("/epoch", "\"x\"").bytes()))
                .isInstanceOf(EventDecodingException.class)
                .cause()
                .isNotNull();
    }
}
