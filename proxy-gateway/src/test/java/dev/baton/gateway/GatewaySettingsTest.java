package dev.baton.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.gateway.connection.InFlightPolicy;
import dev.baton.runtime.config.Config;
import dev.baton.runtime.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

    @Test
    void shouldApplyTheDocumentedDefaults() {
        GatewaySettings settings = parse(Map.of("routes", "billing:7001, reports:7002"));

        assertThat(settings.routes()).extracting(RoleRoute::roleId, RoleRoute::port)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("billing", 7001),
                        org.assertj.core.groups.Tuple.tuple("reports", 7002));
        assertThat(settings.gatewayId()).startsWith("gw-");
        assertThat(settings.listenHost()).isEqualTo("0.0.0.0");
        assertThat(settings.httpPort()).isEqualTo(8082);
        assertThat(settings.apiToken()).isNull();
        assertThat(settings.switchTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.switchBufferBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.writeQueueBytes()).isEqualTo(64 * 1024);
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.backoffInitial()).isEqualTo(Duration.ofMillis(50));
        assertThat(settings.backoffMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.nativeTransport()).isTrue();
        assertThat(settings.kafka().namespace()).isEqualTo("baton");
        assertThat(settings.routes()).extracting(RoleRoute::inFlight)
                .containsOnly(new InFlightPolicy(InFlightPolicy.Mode.CLOSE, 64 * 1024));
    }

    @Test
    void shouldGiveEachRouteItsInFlightPolicyWithTheDefaultForTheOthers() {
        GatewaySettings settings = parse(Map.of("routes", "billing:7001,reports:7002,feed:7003",
                "inflight.policy.roles", "billing:replay, feed:repoint", "inflight.replay.bytes", "4096"));

        assertThat(settings.routes()).extracting(RoleRoute::inFlight).containsExactly(
                new InFlightPolicy(InFlightPolicy.Mode.REPLAY, 4096),
                new InFlightPolicy(InFlightPolicy.Mode.CLOSE, 4096),
                new InFlightPolicy(InFlightPolicy.Mode.REPOINT, 4096));
        assertThat(parse(Map.of("routes", "billing:7001", "inflight.policy", "replay")).routes().get(0).inFlight()
                .mode()).isEqualTo(InFlightPolicy.Mode.REPLAY);
    }

    @Test
    void shouldReadTheDrainTimeoutIntoTheSwitchPolicy() {
        assertThat(parse(Map.of("routes", "billing:7001")).switchPolicy().drainTimeout())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(parse(Map.of("routes", "billing:7001", "drain.timeout", "750ms")).switchPolicy().drainTimeout())
                .isEqualTo(Duration.ofMillis(750));
        assertThatThrownBy(() -> parse(Map.of("routes", "billing:7001", "drain.timeout", "0s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("drain.timeout must be positive");
    }

    @Test
    void shouldReadTheQuietIntervalIntoTheSwitchPolicy() {
        assertThat(parse(Map.of("routes", "billing:7001")).switchPolicy().quietInterval())
                .isEqualTo(Duration.ofMillis(500));
        assertThat(parse(Map.of("routes", "billing:7001", "inflight.quiet", "0ms")).switchPolicy().quietInterval())
                .as("0 judges by the unanswered bytes alone").isZero();
    }

    @Test
    void shouldRejectBadInFlightPolicies() {
        Map<String, String> values = Map.of("routes", "billing:7001", "inflight.policy", "retry",
                "inflight.policy.roles", "billing:resend,billing:close,ghost:close,noname",
                "inflight.replay.bytes", "2000000");

        assertThatThrownBy(() -> parse(values))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "inflight.policy: unknown in-flight policy 'retry': expected one of close, replay, repoint",
                        "inflight.policy.roles: billing: unknown in-flight policy 'resend': expected one of close,"
                                + " replay, repoint",
                        "inflight.policy.roles: 'noname' must be <roleId>:<policy>, e.g. billing:replay",
                        "inflight.policy.roles: ghost is not in routes",
                        "inflight.replay.bytes (2000000) must not exceed switch.buffer.bytes (1048576): the bytes to"
                                + " resend are held with the client's"));
    }

    @Test
    void shouldDecodePreamblesAndKeepThemOutOfToStringAndTheConfigurationLog() {
        String login = Base64.getEncoder().encodeToString("LOGIN gw s3cret\n".getBytes(StandardCharsets.UTF_8));
        Map<String, String> values = Map.of("routes", "billing:7001,reports:7002", "preamble.secrets",
                "billing:" + login, "api.token", "0123456789abcdef-token");
        Config config = Config.of(values);

        GatewaySettings settings = GatewaySettings.from(config);
        config.requireNoUnknownKeys();

        assertThat(new String(settings.routes().get(0).preamble(), StandardCharsets.UTF_8)).isEqualTo("LOGIN gw s3cret\n");
        assertThat(settings.routes().get(1).preamble()).isEmpty();
        assertThat(settings.toString()).doesNotContain(login).doesNotContain("s3cret").doesNotContain("0123456789abcdef");
        assertThat(config.describe()).doesNotContain(login).doesNotContain("0123456789abcdef")
                .contains("preamble.secrets=****");
    }

    @Test
    void shouldReportEveryProblemTogether() {
        Map<String, String> values = new HashMap<>();
        values.put("routes", "billing:7001,billing:7002,bad id:7003,reports:7001,noport,x:abc");
        values.put("preamble.secrets", "ghost:TE9HSU4K,billing:***");
        values.put("gateway.id", "gw 1");
        values.put("connect.timeout", "20s");
        values.put("switch.timeout", "5s");
        values.put("retry.backoff.initial", "2s");
        values.put("api.token", "short");

        assertThatThrownBy(() -> parse(values))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "gateway.id 'gw 1' has characters outside [A-Za-z0-9._-]",
                        "preamble.secrets: the preamble of billing is not valid Base64",
                        "routes: billing appears twice",
                        "routes: roleId 'bad id' has characters outside [A-Za-z0-9._-]",
                        "routes: port 7001 is used by two roles",
                        "routes: 'noport' must be <roleId>:<port>, e.g. billing:7001",
                        "routes: the port of 'x:abc' is not a number",
                        "preamble.secrets: ghost is not in routes",
                        "api.token must be at least 16 characters long",
                        "connect.timeout (20000 ms) must not exceed switch.timeout (5000 ms)",
                        "retry.backoff.max must not be below retry.backoff.initial"));
    }

    @Test
    void shouldStartWithoutStaticRoutesSinceRolesBringTheirOwnGatewayPort() {
        GatewaySettings settings = parse(Map.of("inflight.policy", "replay"));

        assertThat(settings.routes()).isEmpty();
        assertThat(settings.inFlight().mode()).isEqualTo(InFlightPolicy.Mode.REPLAY);
    }

    @Test
    void shouldRejectUnknownKeys() {
        assertThatThrownBy(() -> parse(Map.of("routes", "billing:7001", "switch.timout", "1s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'switch.timout'");
    }

    @Test
    void shouldRejectARoutePortThatIsAlsoTheHttpPort() {
        assertThatThrownBy(() -> parse(Map.of("routes", "billing:8082")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("port 8082 of billing is also http.port");
    }

    private static GatewaySettings parse(Map<String, String> values) {
        Config config = Config.of(values);
        GatewaySettings settings = GatewaySettings.from(config);
        config.requireNoUnknownKeys();
        return settings;
    }
}
