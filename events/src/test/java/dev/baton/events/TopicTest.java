package dev.baton.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "HEARTBEATS,       baton.heartbeats",
        "ROLE_EVENTS,      baton.role-events",
        "ROLE_ASSIGNMENTS, baton.role-assignments",
        "SERVER_EVENTS,    baton.server-events",
        "CONFIG_EVENTS,    baton.config-events",
        "PROXY_EVENTS,     baton.proxy-events",
        "DEAD_LETTERS,     baton.dead-letters",
    })
    void shouldNameTopicInTheDefaultNamespace(Topic topic, String name) {
        assertThat(topic.topicName()).isEqualTo(name);
    }

    @Test
    void shouldNameHeartbeatsTopic() {
        assertThat(Topic.HEARTBEATS.topicName()).isEqualTo("baton.heartbeats");
        assertThat(Topic.DEFAULT_NAMESPACE).isEqualTo("baton");
    }

    @Test
    void shouldPrefixTheNamespace() {
        assertThat(Topic.HEARTBEATS.in("ns")).isEqualTo("ns.heartbeats");
        assertThat(Topic.ROLE_EVENTS.in("test-42")).isEqualTo("test-42.role-events");
        assertThat(Topic.DEAD_LETTERS.in("prod.eu_1")).isEqualTo("prod.eu_1.dead-letters");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "my ns", "a/b", "née", "ns\"", "ns:1", "ns*"})
    void shouldRejectInvalidNamespace(String namespace) {
        assertThatThrownBy(() -> Topic.HEARTBEATS.in(namespace))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("namespace ");
    }

    @Test
    void shouldRejectMissingNamespace() {
        assertThatThrownBy(() -> Topic.HEARTBEATS.in(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("namespace is missing");
    }

    @Test
    void shouldRejectTooLongNamespace() {
        assertThatThrownBy(() -> Topic.HEARTBEATS.in("n".repeat(129)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("129 characters long");
    }

    @Test
    void shouldHaveDistinctSuffixes() {
        assertThat(Arrays.stream(Topic.values()).map(Topic::suffix)).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Topic.class)
    void shouldRetainDeleteTopicsAndNotCompactedOnes(Topic topic) {
        if (topic.compacted()) {
            assertThat(topic.retention()).isNull();
        } else {
            assertThat(topic.retention()).isNotNull().isPositive();
        }
        assertThat(topic.partitions()).isPositive();
        assertThat(topic.key()).isNotBlank();
    }

    @Test
    void shouldCompactOnlyTheStateTopics() {
        assertThat(Arrays.stream(Topic.values()).filter(Topic::compacted))
                .containsExactlyInAnyOrder(Topic.ROLE_ASSIGNMENTS, Topic.CONFIG_EVENTS);
    }

    @Test
    void shouldKeepHeartbeatsOnlyBriefly() {
        assertThat(Topic.HEARTBEATS.retention()).isLessThanOrEqualTo(Duration.ofHours(1));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Topic.class)
    void shouldCarryAtLeastOneEventType(Topic topic) {
        assertThat(Arrays.stream(EventType.values()).filter(type -> type.topic() == topic)).isNotEmpty();
    }
}
