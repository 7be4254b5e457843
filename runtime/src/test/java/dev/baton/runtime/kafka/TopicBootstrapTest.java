package dev.baton.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.events.Topic;
import dev.baton.testkit.FreePorts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicBootstrapTest {

    @Test
    void shouldCompactTheStateTopicsWithoutRetention() {
        assertThat(TopicBootstrap.configs(Topic.ROLE_ASSIGNMENTS)).isEqualTo(Map.of("cleanup.policy", "compact"));
        assertThat(TopicBootstrap.configs(Topic.CONFIG_EVENTS)).isEqualTo(Map.of("cleanup.policy", "compact"));
    }

    @Test
    void shouldDeleteTheHistoryTopicsAfterTheirRetention() {
        assertThat(TopicBootstrap.configs(Topic.ROLE_EVENTS))
                .isEqualTo(Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(30L * 24 * 3600 * 1000)));
        assertThat(TopicBootstrap.configs(Topic.DEAD_LETTERS))
                .isEqualTo(Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(30L * 24 * 3600 * 1000)));
    }

    @Test
    void shouldStampHeartbeatsWithTheBrokersAppendTime() {
        assertThat(TopicBootstrap.configs(Topic.HEARTBEATS)).isEqualTo(Map.of(
                "cleanup.policy", "delete", "retention.ms", "3600000", "segment.ms", "600000",
                "message.timestamp.type", "LogAppendTime"));
        assertThat(TopicBootstrap.configs(Topic.PROXY_EVENTS)).doesNotContainKey("message.timestamp.type");
    }

    @Test
    void shouldGiveUpAroundItsTimeoutWhenNoBrokerAnswers() {
        String nowhere = "127.0.0.1:" + FreePorts.next();
        KafkaSettings settings = new KafkaSettings(nowhere, "nowhere", "bootstrap-test");
        long start = System.nanoTime();

        assertThatThrownBy(() -> TopicBootstrap.ensureAll(settings, Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot create topics on " + nowhere);

        // Without a timeout on the admin calls themselves, closing the Admin waited for default.api.timeout.ms
        // (60 s). The bound is generous for a slow machine: class loading the client takes a second or two.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
}
