package dev.baton.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventTypeTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventType.class)
    void shouldUseTheRecordNameAsWireName(EventType type) {
        assertThat(type.wireName()).isEqualTo(type.eventClass().getSimpleName());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventType.class)
    void shouldFindTypeByWireNameAndByClass(EventType type) {
        assertThat(EventType.fromWireName(type.wireName())).isSameAs(type);
        assertThat(EventType.of(type.eventClass())).isSameAs(type);
    }

    @Test
    void shouldReturnNullForUnknownWireName() {
        assertThat(EventType.fromWireName("RoleDeleted")).isNull();
        assertThat(EventType.fromWireName("roleMoved")).isNull();
    }

    @Test
    void shouldRejectClassThatIsNoEvent() {
        assertThatThrownBy(() -> EventType.of(String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void shouldHaveOneTypePerPermittedEventRecord() {
        var records = Arrays.stream(BatonEvent.class.getPermittedSubclasses())
                .flatMap(permitted -> permitted.isInterface()
                        ? Arrays.stream(permitted.getPermittedSubclasses())
                        : Arrays.stream(new Class<?>[] {permitted}));

        assertThat(records).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(EventType.values()).map(EventType::eventClass).toList());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventType.class)
    void shouldSupportOnlyTheCurrentSchemaVersion(EventType type) {
        assertThat(type.supports(EventType.CURRENT_SCHEMA_VERSION)).isTrue();
        assertThat(type.supports(EventType.CURRENT_SCHEMA_VERSION + 1)).isFalse();
        assertThat(type.supports(0)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventType.class)
    void shouldReportTypeAndTopicOfEachEvent(EventType type) {
        BatonEvent sample = SampleEvents.full(type);

        assertThat(sample.type()).isSameAs(type);
        assertThat(sample.topic()).isSameAs(type.topic());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = EventType.class, names = {"DEAD_LETTER", "SAFETY_BRAKE_ENGAGED", "SAFETY_BRAKE_RELEASED",
            "GATEWAY_HEARTBEAT"},
            mode = EnumSource.Mode.EXCLUDE)
    void shouldKeyEachEventByTheFieldItsTopicNames(EventType type) throws ReflectiveOperationException {
        BatonEvent sample = SampleEvents.full(type);
        String keyField = type.topic().key();

        RecordComponent component = Arrays.stream(type.eventClass().getRecordComponents())
                .filter(c -> c.getName().equals(keyField))
                .findFirst()
                .orElseThrow(() -> new AssertionError(type + " has no field " + keyField));
        assertThat(sample.key()).isNotBlank().isEqualTo(component.getAccessor().invoke(sample));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = EventType.class, names = {"SAFETY_BRAKE_ENGAGED", "SAFETY_BRAKE_RELEASED"})
    void shouldKeySafetyBrakeEventsByThePlacementInstanceThatJudged(EventType type) {
        var sample = (SafetyBrakeEvent) SampleEvents.full(type);

        assertThat(sample.topic()).isSameAs(Topic.SERVER_EVENTS);
        assertThat(sample.key()).isEqualTo(sample.instanceId()).isEqualTo("placement-1");
    }

    @Test
    void shouldKeyGatewayHeartbeatByItsGatewayOnTheHeartbeatTopic() {
        var heartbeat = (GatewayHeartbeat) SampleEvents.full(EventType.GATEWAY_HEARTBEAT);

        assertThat(heartbeat.topic()).isSameAs(Topic.HEARTBEATS);
        assertThat(heartbeat.key()).isEqualTo("gw-1");
    }

    @Test
    void shouldKeyDeadLetterByTheOriginalKey() {
        var deadLetter = (DeadLetter) SampleEvents.full(EventType.DEAD_LETTER);

        assertThat(deadLetter.key()).isEqualTo("billing");
        assertThat(Topic.DEAD_LETTERS.key()).isEqualTo("original key");
    }
}
