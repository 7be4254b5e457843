package dev.baton.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicSelectionTest {
    @Test
    void shouldFollowEveryTopicButTheHeartbeatsByDefault() {
        assertThat(TopicSelection.resolve(null, "baton")).containsExactly("baton.role-events",
                "baton.role-assignments", "baton.server-events", "baton.config-events", "baton.proxy-events",
                "baton.dead-letters");
    }

    @Test
    void shouldAcceptASuffixAFullNameOrAll() {
        assertThat(TopicSelection.resolve("role-events", "test-1")).containsExactly("test-1.role-events");
        assertThat(TopicSelection.resolve("test-1.heartbeats", "test-1")).containsExactly("test-1.heartbeats");
        assertThat(TopicSelection.resolve("all", "baton")).hasSize(8).contains("baton.heartbeats",
                "baton.placement-control");
    }

    @Test
    void shouldListTheKnownTopicsForAnUnknownOne() {
        assertThatThrownBy(() -> TopicSelection.resolve("roles", "baton"))
                .hasMessageStartingWith("unknown topic 'roles'; known topics: all, heartbeats, role-events");
    }

    @Test
    void shouldShortenNamesOfItsNamespaceOnly() {
        assertThat(TopicSelection.shortName("baton.role-events", "baton")).isEqualTo("role-events");
        assertThat(TopicSelection.shortName("other.role-events", "baton")).isEqualTo("other.role-events");
    }
}
