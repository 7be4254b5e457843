package dev.baton.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigTest {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path file = dir.resolve("service.properties");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static Config values(String key, String value) {
        return Config.of(Map.of(key, value));
    }

    @Test
    void shouldReadTypedValuesFromTheFileNamedByConfigArgument() throws IOException {
        Path file = file("""
                kafka.bootstrap.servers = broker-1:9092  \s
                http.port=8081
                placement.failure-timeout=750ms
                admin.enabled=yes
                """);

        Config config = Config.load(new String[] {"--config", file.toString()}, Map.of());

        assertThat(config.string("kafka.bootstrap.servers")).isEqualTo("broker-1:9092");
        assertThat(config.integer("http.port", 8080, 1, 65535)).isEqualTo(8081);
        assertThat(config.duration("placement.failure-timeout", DEFAULT_TIMEOUT)).isEqualTo(Duration.ofMillis(750));
        assertThat(config.bool("admin.enabled", false)).isTrue();
        assertThatCode(config::requireNoUnknownKeys).doesNotThrowAnyException();
    }

    @Test
    void shouldLetTheEnvironmentOverrideTheFile() throws IOException {
        Path file = file("kafka.bootstrap.servers=from-file:9092\nhttp.port=8081\n");
        Map<String, String> env = Map.of(
                "BATON_KAFKA_BOOTSTRAP_SERVERS", " from-env:9092 ",
                "BATON_HTTP_PORT", "9090");

        Config config = Config.load(new String[] {"--config", file.toString()}, env);

        assertThat(config.string("kafka.bootstrap.servers")).isEqualTo("from-env:9092");
        assertThat(config.integer("http.port", 8080, 1, 65535)).isEqualTo(9090);
        assertThat(config.describe()).contains("kafka.bootstrap.servers=from-env:9092").doesNotContain("from-file");
    }

    @Test
    void shouldNameTheEnvironmentVariableAfterTheKeyWithDotsAndDashesAsUnderscores() {
        assertThat(Config.envName("kafka.bootstrap.servers")).isEqualTo("BATON_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(Config.envName("placement.failure-timeout")).isEqualTo("BATON_PLACEMENT_FAILURE_TIMEOUT");
    }

    @Test
    void shouldFallBackToDefaultsWhenAKeyIsAbsentOrEmpty() {
        Config config = Config.of(Map.of("http.host", ""));

        assertThat(config.string("http.host", "0.0.0.0")).isEqualTo("0.0.0.0");
        assertThat(config.integer("http.port", 8080, 1, 65535)).isEqualTo(8080);
        assertThat(config.bool("admin.enabled", true)).isTrue();
        assertThat(config.duration("lease", DEFAULT_TIMEOUT)).isEqualTo(DEFAULT_TIMEOUT);
        assertThatCode(config::requireNoUnknownKeys).doesNotThrowAnyException();
        assertThat(config.describe()).contains("http.port=8080\n", "lease=3000ms\n", "http.host=0.0.0.0\n");
    }

    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({
        "250ms, 250",
        "5s, 5000",
        "2m, 120000",
        "1h, 3600000",
        "1500, 1500",
        "0, 0",
        "10 s, 10000",
        "5S, 5000"
    })
    void shouldParseDurationsWithAUnitOrAsBareMilliseconds(String value, long millis) {
        Config config = values("lease", value);

        assertThat(config.duration("lease", DEFAULT_TIMEOUT)).isEqualTo(Duration.ofMillis(millis));
        assertThatCode(config::requireNoUnknownKeys).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"5 minutes", "-5s", "1.5s", "5d", "soon", "99999999999999999999", "9999999999999999h"})
    void shouldReportABadDurationWithItsKeyAndValueAndUseTheDefault(String value) {
        Config config = values("lease", value);

        assertThat(config.duration("lease", DEFAULT_TIMEOUT)).isEqualTo(DEFAULT_TIMEOUT);
        ConfigException e = catchThrowableOfType(ConfigException.class, config::requireNoUnknownKeys);
        assertThat(e.problems()).containsExactly(
                "lease must be a duration such as 250ms, 5s or 2m, was '" + value + "'");
    }

    @Test
    void shouldReportAnIntegerOutsideItsRange() {
        Config config = Config.of(Map.of("http.port", "0", "workers", "65"));

        config.integer("http.port", 8080, 1, 65535);
        config.integer("workers", 4, 1, 64);

        assertThatThrownBy(config::requireNoUnknownKeys)
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "http.port must be between 1 and 65535, was 0",
                        "workers must be between 1 and 64, was 65"));
    }

    @Test
    void shouldAcceptTheBoundsOfAnIntegerRange() {
        Config config = Config.of(Map.of("low", "1", "high", "64"));

        assertThat(config.integer("low", 4, 1, 64)).isEqualTo(1);
        assertThat(config.integer("high", 4, 1, 64)).isEqualTo(64);
        assertThatCode(config::requireNoUnknownKeys).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ten", "8080.5", "99999999999"})
    void shouldReportAValueThatIsNoIntegerAndUseTheDefault(String value) {
        Config config = values("http.port", value);

        assertThat(config.integer("http.port", 8080, 1, 65535)).isEqualTo(8080);
        assertThatThrownBy(config::requireNoUnknownKeys)
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("http.port must be an integer, was '" + value + "'"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"true, true", "TRUE, true", "yes, true", "on, true", "false, false", "No, false", "off, false"})
    void shouldReadBooleansInTheirUsualSpellings(String value, boolean expected) {
        Config config = values("admin.enabled", value);

        assertThat(config.bool("admin.enabled", !expected)).isEqualTo(expected);
        assertThatCode(config::requireNoUnknownKeys).doesNotThrowAnyException();
    }

    @Test
    void shouldReportABooleanThatIsNeitherTrueNorFalse() {
        Config config = values("admin.enabled", "maybe");

        assertThat(config.bool("admin.enabled", true)).isTrue();
        assertThatThrownBy(config::requireNoUnknownKeys)
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("admin.enabled must be true or false, was 'maybe'"));
    }

    @Test
    void shouldReportAMissingRequiredKeyWithItsEnvironmentVariable() {
        Config config = Config.of(Map.of());

        assertThat(config.string("admin.token")).isNull();

        assertThatThrownBy(config::requireNoUnknownKeys)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin.token is required (or set BATON_ADMIN_TOKEN)");
    }

    @Test
    void shouldSatisfyARequiredKeyFromTheEnvironmentAlone() {
        Config config = Config.load(new String[0], Map.of("BATON_ADMIN_TOKEN", "t0k3n"));

        assertThat(config.string("admin.token")).isEqualTo("t0k3n");
        assertThatCode(config::requireNoUnknownKeys).doesNotThrowAnyException();
    }

    @Test
    void shouldRejectAnUnknownFileKeyListingTheKnownKeys() throws IOException {
        Path file = file("kafka.bootstrap.server=typo:9092\nhttp.port=8081\n");
        Config config = Config.load(new String[] {"--config", file.toString()}, Map.of());

        config.string("kafka.bootstrap.servers", "127.0.0.1:9092");
        config.integer("http.port", 8080, 1, 65535);

        ConfigException e = catchThrowableOfType(ConfigException.class, config::requireNoUnknownKeys);
        assertThat(e.problems()).containsExactly("unknown key 'kafka.bootstrap.server' in " + file
                + " and environment; known keys: http.port, kafka.bootstrap.servers");
    }

    @Test
    void shouldReportEveryProblemTogetherOnePerLine() {
        Config config = Config.of(Map.of("http.port", "70000", "lease", "later", "admin.enabled", "sometimes",
                "unused.key", "x"));

        config.string("admin.token");
        config.integer("http.port", 8080, 1, 65535);
        config.duration("lease", DEFAULT_TIMEOUT);
        config.bool("admin.enabled", false);
        config.problem("http.port and admin.port must differ");

        ConfigException e = catchThrowableOfType(ConfigException.class, config::requireNoUnknownKeys);
        assertThat(e.problems()).hasSize(6);
        assertThat(e.problems()).containsExactly(
                "admin.token is required (or set BATON_ADMIN_TOKEN)",
                "http.port must be between 1 and 65535, was 70000",
                "lease must be a duration such as 250ms, 5s or 2m, was 'later'",
                "admin.enabled must be true or false, was 'sometimes'",
                "http.port and admin.port must differ",
                "unknown key 'unused.key' in explicit values; known keys: admin.enabled, admin.token, http.port, lease");
        assertThat(e.getMessage()).startsWith("invalid configuration:\n  - admin.token is required")
                .contains("\n  - lease must be a duration")
                .hasLineCount(7);
    }

    @Test
    void shouldMaskSecretsInTheDescription() {
        Config config = Config.of(Map.of(
                "admin.token", "tok-123",
                "db.password", "pw-123",
                "api.Secret-Key", "sec-123",
                "aws.credentials", "cred-123",
                "kafka.bootstrap.servers", "broker:9092",
                "http.port", "8081"));

        config.string("admin.token");
        config.string("db.password");
        config.string("api.Secret-Key");
        config.string("aws.credentials");
        config.string("kafka.bootstrap.servers");
        config.integer("http.port", 8080, 1, 65535);

        assertThat(config.describe()).isEqualTo("""
                admin.token=****
                api.Secret-Key=****
                aws.credentials=****
                db.password=****
                http.port=8081
                kafka.bootstrap.servers=broker:9092
                """);
    }

    @Test
    void shouldMaskOnlySecretKeysAndNeverInventAValue() {
        assertThat(Config.mask("db.password", "pw")).isEqualTo("****");
        assertThat(Config.mask("DB_TOKEN", "t")).isEqualTo("****");
        assertThat(Config.mask("db.password", null)).isNull();
        assertThat(Config.mask("db.user", "baton")).isEqualTo("baton");
    }

    @Test
    void shouldFailWhenConfigArgumentHasNoPath() {
        assertThatThrownBy(() -> Config.load(new String[] {"--config"}, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("--config needs a file path"));
    }

    @Test
    void shouldFailOnAnUnknownArgumentShowingTheUsage() {
        assertThatThrownBy(() -> Config.load(new String[] {"--verbose"}, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("unknown argument '--verbose'; usage: [--config <file.properties>]"));
    }

    @Test
    void shouldFailWhenTheConfigFileDoesNotExist() {
        Path missing = dir.resolve("missing.properties");

        assertThatThrownBy(() -> Config.load(new String[] {"--config", missing.toString()}, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("configuration file " + missing + " does not exist"));
    }

    @Test
    void shouldFailWhenTheConfigPathIsADirectory() {
        assertThatThrownBy(() -> Config.load(new String[] {"--config", dir.toString()}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void shouldReadTheFileNamedByBatonConfigWhenNoArgumentIsGiven() throws IOException {
        Path file = file("http.port=8082\n");

        Config config = Config.load(new String[0], Map.of("BATON_CONFIG", file.toString()));

        assertThat(config.integer("http.port", 8080, 1, 65535)).isEqualTo(8082);
    }

    @Test
    void shouldPreferTheConfigArgumentOverBatonConfig() throws IOException {
        Path file = file("http.port=8082\n");
        Path other = dir.resolve("other.properties");

        Config config = Config.load(new String[] {"--config", file.toString()}, Map.of("BATON_CONFIG", other.toString()));

        assertThat(config.integer("http.port", 8080, 1, 65535)).isEqualTo(8082);
    }

    @Test
    void shouldListBatonEnvironmentVariablesThatMatchNoKnownKey() {
        Config config = Config.of(Map.of(), Map.of(
                "BATON_KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "BATON_KAFKA_BOOTSTRAP_SERVER", "typo:9092",
                "BATON_HTTP_PROT", "8081",
                "BATON_CONFIG", "/etc/baton.properties",
                "PATH", "/usr/bin",
                "HOME", "/root"), "environment");

        config.string("kafka.bootstrap.servers");
        config.integer("http.port", 8080, 1, 65535);

        assertThat(config.unknownEnvironmentVariables())
                .containsExactly("BATON_HTTP_PROT", "BATON_KAFKA_BOOTSTRAP_SERVER");
        // Unknown environment variables are worth a warning, not a refusal to start.
        assertThatCode(config::requireNoUnknownKeys).doesNotThrowAnyException();
    }

    @Test
    void shouldMaskCredentialsInsideUrls() {
        assertThat(Config.mask("db.url", "jdbc:postgresql://db:5432/baton?user=baton&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/baton?user=baton&password=****&ssl=true");
        assertThat(Config.mask("kafka.bootstrap.servers", "http://admin:s3cret@host:8080/path"))
                .isEqualTo("http://admin:****@host:8080/path");
        assertThat(Config.mask("db.url", "jdbc:postgresql://db:5432/baton")).isEqualTo("jdbc:postgresql://db:5432/baton");
    }
}
