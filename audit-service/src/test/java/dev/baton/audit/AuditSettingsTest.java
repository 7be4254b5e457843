package dev.baton.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.config.Config;
import dev.baton.runtime.config.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditSettingsTest {
    private static final String TOKEN = "0123456789abcdef-token";

    private static AuditSettings parse(Map<String, String> values) {
        Config config = Config.of(values);
        AuditSettings settings = AuditSettings.from(config);
        config.requireNoUnknownKeys();
        return settings;
    }

    private static Map<String, String> minimal() {
        Map<String, String> values = new HashMap<>();
        values.put("db.url", "jdbc:postgresql://db:5432/audit");
        values.put("api.token", TOKEN);
        return values;
    }

    @Test
    void shouldApplyTheDefaults() {
        AuditSettings settings = parse(minimal());

        assertThat(settings.groupId()).isEqualTo("baton-audit");
        assertThat(settings.httpPort()).isEqualTo(8083);
        assertThat(settings.batchSize()).isEqualTo(2_000);
        assertThat(settings.pollTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.kafka().namespace()).isEqualTo("baton");
        assertThat(settings.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.retryMax()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldReadEveryKey() {
        Map<String, String> values = minimal();
        values.put("kafka.bootstrap.servers", "k:9092");
        values.put("kafka.topic.namespace", "ns1");
        values.put("kafka.group.id", "audit-2");
        values.put("kafka.topic.replication.factor", "3");
        values.put("db.user", "auditor");
        values.put("db.password", "s3cret");
        values.put("http.host", "127.0.0.1");
        values.put("http.port", "9000");
        values.put("http.workers", "8");
        values.put("audit.batch.size", "50");
        values.put("audit.poll.timeout", "2s");
        values.put("db.retry.initial", "100ms");
        values.put("db.retry.max", "1s");
        values.put("db.query.timeout", "3s");

        AuditSettings settings = parse(values);

        assertThat(settings.kafka().topic(dev.baton.events.Topic.ROLE_EVENTS)).isEqualTo("ns1.role-events");
        assertThat(settings.groupId()).isEqualTo("audit-2");
        assertThat(settings.kafka().replicationFactor()).isEqualTo((short) 3);
        assertThat(settings.dbUser()).isEqualTo("auditor");
        assertThat(settings.httpWorkers()).isEqualTo(8);
        assertThat(settings.batchSize()).isEqualTo(50);
        assertThat(settings.pollTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.queryTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void shouldRequireTheDatabaseAndALongEnoughToken() {
        assertThatThrownBy(() -> parse(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("db.url is required")
                .hasMessageContaining("api.token is required");
        Map<String, String> values = minimal();
        values.put("api.token", "short");
        values.put("db.url", "jdbc:mysql://x/y");
        assertThatThrownBy(() -> parse(values))
                .hasMessageContaining("api.token must be at least 16 characters long")
                .hasMessageContaining("db.url must be a jdbc:postgresql: URL");
    }

    @Test
    void shouldRefuseUnknownKeysAndBadValues() {
        Map<String, String> values = minimal();
        values.put("audit.batchsize", "5");
        values.put("audit.batch.size", "0");
        values.put("db.retry.initial", "5s");
        values.put("db.retry.max", "1s");
        assertThatThrownBy(() -> parse(values))
                .hasMessageContaining("unknown key 'audit.batchsize'")
                .hasMessageContaining("audit.batch.size must be between 1 and 10000")
                .hasMessageContaining("db.retry.max must not be below db.retry.initial");
    }

    @Test
    void shouldNeverShowTheSecrets() {
        Map<String, String> values = minimal();
        values.put("db.password", "s3cret-password");
        Config config = Config.of(values);
        AuditSettings settings = AuditSettings.from(config);

        assertThat(settings.toString()).doesNotContain("s3cret-password").doesNotContain(TOKEN);
        assertThat(config.describe()).doesNotContain("s3cret-password").doesNotContain(TOKEN)
                .contains("api.token=****").contains("db.password=****");
    }
}
