package dev.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.events.ServerKind;
import dev.baton.runtime.ServiceMain;
import dev.baton.runtime.config.Config;
import dev.baton.runtime.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSettingsTest {
    @TempDir
    Path workDir;

    @Test
    void shouldApplyTheDocumentedDefaults() {
        AgentSettings settings = parse(Map.of("server.id", "srv-01", "plugin.work.dir", workDir.toString()));

        assertThat(settings.serverId()).isEqualTo("srv-01");
        assertThat(settings.kind()).isEqualTo(ServerKind.EXPANSION);
        assertThat(settings.advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(settings.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.kafka().namespace()).isEqualTo("baton");
        assertThat(settings.kafka().clientId()).isEqualTo("heartbeat-agent-srv-01");
        assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.lease()).isEqualTo(Duration.ofMillis(700));
        assertThat(settings.placementFailureTimeout()).isEqualTo(Duration.ofMillis(1000));
        assertThat(settings.httpPort()).isEqualTo(8084);
        assertThat(settings.pluginStartTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.pluginStopGrace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.pluginCheckInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.dbCheckInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.leaveTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.fenceStopGrace()).as("1000 - 700 - 3 x 50 ms").isEqualTo(Duration.ofMillis(150));
    }

    @Test
    void shouldDefaultTheWorkDirectoryToOneOfTheServersOwnUnderTmp() {
        AgentSettings settings = parse(Map.of("server.id", "srv-01"));

        assertThat(settings.pluginWorkDir())
                .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "baton-agent-srv-01").toAbsolutePath());
        assertThat(Files.isDirectory(settings.pluginWorkDir())).isTrue();
    }

    @Test
    void shouldReadEnvironmentVariablesOverTheFile() {
        Config config = Config.of(Map.of("server.id", "srv-01", "plugin.work.dir", workDir.toString()),
                Map.of("BATON_SERVER_KIND", "main", "BATON_LEASE", "300ms"), "test");

        AgentSettings settings = ServiceMain.settings("agent", new String[0], Map.of(), c -> AgentSettings.from(config));

        assertThat(settings.kind()).isEqualTo(ServerKind.MAIN);
        assertThat(settings.lease()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void shouldRefuseALeaseThatIsNotShorterThanThePlacementFailureTimeout() {
        ConfigException e = invalid(Map.of("server.id", "srv-01", "lease", "1000ms"));

        assertThat(e.problems()).containsExactly("lease (1000 ms) must be shorter than placement.failure.timeout (1000 ms):"
                + " a cut-off agent must stop its roles before the placement starts them elsewhere");
    }

    @Test
    void shouldRefuseALeaseOfFewerThanTwoHeartbeats() {
        ConfigException e = invalid(Map.of("server.id", "srv-01", "heartbeat.interval", "400ms"));

        assertThat(e.problems()).containsExactly("lease (700 ms) must span at least two heartbeat.interval (400 ms):"
                + " otherwise one late acknowledgement stops every role");
    }

    @Test
    void shouldReportEveryProblemTogether() {
        Map<String, String> values = new HashMap<>();
        values.put("server.kind", "primary");
        values.put("heartbeat.interval", "0");
        values.put("http.port", "70000");
        values.put("leave.timeout", "soon");
        values.put("serverid", "typo");

        ConfigException e = invalid(values);

        assertThat(e.problems()).contains(
                "server.id is required (or set BATON_SERVER_ID)",
                "server.kind must be one of [MAIN, EXPANSION], was 'primary'",
                "heartbeat.interval must be positive",
                "http.port must be between 0 and 65535, was 70000",
                "leave.timeout must be a duration such as 250ms, 5s or 2m, was 'soon'");
        assertThat(e.problems()).anyMatch(p -> p.startsWith("unknown key 'serverid'"));
    }

    @Test
    void shouldRefuseAnInvalidServerId() {
        assertThat(invalid(Map.of("server.id", "srv 01")).problems())
                .containsExactly("server.id 'srv 01' has characters outside [A-Za-z0-9._-]");
    }

    @Test
    void shouldRefuseAWorkDirectoryThatCannotBeCreated() throws Exception {
        Path file = Files.writeString(workDir.resolve("a-file"), "x");

        assertThat(invalid(Map.of("server.id", "srv-01", "plugin.work.dir", file.resolve("sub").toString())).problems())
                .singleElement().asString().startsWith("plugin.work.dir " + file.resolve("sub") + " cannot be created");
    }

    @Test
    void shouldNotGiveFencedRolesMoreThanTheNormalGrace() {
        AgentSettings settings = parse(Map.of("server.id", "srv-01", "plugin.work.dir", workDir.toString(),
                "lease", "1s", "placement.failure.timeout", "5s", "plugin.stop.grace", "500ms"));

        assertThat(settings.fenceStopGrace()).isEqualTo(Duration.ofMillis(500));
    }

    private AgentSettings parse(Map<String, String> values) {
        Config config = Config.of(values);
        AgentSettings settings = AgentSettings.from(config);
        config.requireNoUnknownKeys();
        return settings;
    }

    private ConfigException invalid(Map<String, String> values) {
        Map<String, String> withDir = new HashMap<>(values);
        withDir.putIfAbsent("plugin.work.dir", workDir.toString());
        return catchThrowableOfType(ConfigException.class, () -> parse(withDir));
    }
}
