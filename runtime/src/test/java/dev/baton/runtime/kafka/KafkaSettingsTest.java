package dev.baton.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.events.Topic;
import dev.baton.runtime.config.Config;
import dev.baton.runtime.config.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    @Test
    void shouldDefaultToALocalBrokerAndTheBatonNamespace() {
        Config config = Config.of(Map.of());

        KafkaSettings settings = KafkaSettings.from(config, "placement-1");

        assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.namespace()).isEqualTo(Topic.DEFAULT_NAMESPACE);
        assertThat(settings.topic(Topic.HEARTBEATS)).isEqualTo("baton.heartbeats");
        config.requireNoUnknownKeys();
    }

    @Test
    void shouldReadServersAndNamespaceFromTheConfiguration() {
        Config config = Config.of(Map.of("kafka.topic.namespace", "staging"),
                Map.of("BATON_KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"), "test");

        KafkaSettings settings = KafkaSettings.from(config, "audit-1");

        assertThat(settings.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(settings.topic(Topic.DEAD_LETTERS)).isEqualTo("staging.dead-letters");
        assertThat(settings.admin())
                .containsEntry("bootstrap.servers", "k1:9092,k2:9092")
                .containsEntry("client.id", "audit-1-admin");
    }

    @Test
    void shouldReportAnInvalidNamespaceAsAConfigurationProblem() {
        Config config = Config.of(Map.of("kafka.topic.namespace", "my namespace"));

        KafkaSettings.from(config, "placement-1");

        assertThatThrownBy(config::requireNoUnknownKeys)
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "kafka.topic.namespace 'my namespace' has characters outside [A-Za-z0-9._-]"));
    }

    @Test
    void shouldLetEveryClientReconnectWithinAQuarterSecondOfTheBrokerComingBack() {
        KafkaSettings settings = new KafkaSettings("k:9092", "baton", "placement-1");

        assertThat(List.of(settings.admin(), settings.producer("moves"), settings.consumer(null, "inputs")))
                .allSatisfy(props -> assertThat(props).containsEntry("reconnect.backoff.max.ms", "250"));
    }

    @Test
    void shouldRefuseBlankBootstrapServers() {
        assertThatThrownBy(() -> new KafkaSettings(" ", "baton", "svc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kafka.bootstrap.servers is required");
    }

    @Test
    void shouldBuildAnIdempotentProducerThatWaitsForAllReplicas() {
        Properties producer = new KafkaSettings("k:9092", "baton", "placement-1").producer("moves");

        assertThat(producer)
                .containsEntry("bootstrap.servers", "k:9092")
                .containsEntry("client.id", "placement-1-moves")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true");
    }

    @Test
    void shouldBuildAConsumerThatCommitsOnlyWhenTold() {
        KafkaSettings settings = new KafkaSettings("k:9092", "baton", "audit-1");

        assertThat(settings.consumer("audit", "events"))
                .containsEntry("group.id", "audit")
                .containsEntry("client.id", "audit-1-events")
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("auto.offset.reset", "earliest");
        assertThat(settings.consumer(null, "events")).doesNotContainKey("group.id");
    }
}
