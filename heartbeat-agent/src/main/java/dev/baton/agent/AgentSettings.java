package dev.baton.agent;

import dev.baton.events.Ids;
import dev.baton.events.ServerKind;
import dev.baton.runtime.config.Config;
import dev.baton.runtime.kafka.KafkaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The heartbeat-agent's validated configuration (properties file and {@code BATON_*} environment variables).
 *
 * @param kafka {@code kafka.bootstrap.servers}, {@code kafka.topic.namespace}
 * @param serverId {@code server.id} (required): the server this agent runs on
 * @param kind {@code server.kind}: MAIN or EXPANSION (default)
 * @param advertisedHost {@code advertised.host}: the address clients reach this server's roles on; also where the
 *     agent probes its plugins' ports
 * @param heartbeatInterval {@code heartbeat.interval}
 * @param lease {@code lease}: the agent stops every role when no heartbeat sent within this was acknowledged
 * @param placementFailureTimeout {@code placement.failure.timeout}: the placement-service's failure timeout; the
 *     lease must be shorter, so a cut-off agent stops its roles before they are started elsewhere
 * @param httpHost {@code http.host} of the health and metrics endpoints
 * @param httpPort {@code http.port}; 0 picks a free port
 * @param pluginWorkDir {@code plugin.work.dir}: working directory of command plugins and their per-role log files
 * @param pluginStartTimeout {@code plugin.start.timeout}: a plugin not listening within it is FAILED
 * @param pluginStopGrace {@code plugin.stop.grace}: between SIGTERM and SIGKILL
 * @param pluginCheckInterval {@code plugin.check.interval}: how often a running plugin's port is probed
 * @param dbCheckInterval {@code db.check.interval}: how often each role's database is probed
 * @param leaveTimeout {@code leave.timeout}: how long a planned leave (and any planned move) waits for roles to
 *     run elsewhere before stopping them anyway
 */
public record AgentSettings(
        KafkaSettings kafka,
        String serverId,
        ServerKind kind,
        String advertisedHost,
        Duration heartbeatInterval,
        Duration lease,
        Duration placementFailureTimeout,
        String httpHost,
        int httpPort,
        Path pluginWorkDir,
        Duration pluginStartTimeout,
        Duration pluginStopGrace,
        Duration pluginCheckInterval,
        Duration dbCheckInterval,
        Duration leaveTimeout) {

    public static final String SERVICE = "heartbeat-agent";
    public static final int DEFAULT_HTTP_PORT = 8084;
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_LEASE = Duration.ofMillis(700);
    /** The placement-service's default failure timeout (its {@code DetectorConfig}). */
    public static final Duration DEFAULT_PLACEMENT_FAILURE_TIMEOUT = Duration.ofMillis(1000);
    /** How often the lease is checked; fencing happens at most this late after the lease ran out. */
    public static final Duration LEASE_CHECK_INTERVAL = Duration.ofMillis(50);

    /** Reads and validates every key; problems are recorded in {@code config} and reported together. */
    public static AgentSettings from(Config config) {
        String serverId = config.string("server.id");
        if (serverId != null) {
            try {
                Ids.requireValid("server.id", serverId);
            } catch (IllegalArgumentException e) {
                config.problem(e.getMessage());
                serverId = null;
            }
        }
        KafkaSettings kafka = KafkaSettings.from(config, serverId == null ? SERVICE : SERVICE + "-" + serverId);
        ServerKind kind = kind(config);
        String advertisedHost = config.string("advertised.host", "127.0.0.1");
        Duration interval = positive(config, "heartbeat.interval", DEFAULT_HEARTBEAT_INTERVAL);
        Duration lease = positive(config, "lease", DEFAULT_LEASE);
        Duration failureTimeout = positive(config, "placement.failure.timeout", DEFAULT_PLACEMENT_FAILURE_TIMEOUT);
        if (lease.compareTo(failureTimeout) >= 0) {
            config.problem("lease (" + lease.toMillis() + " ms) must be shorter than placement.failure.timeout ("
                    + failureTimeout.toMillis() + " ms): a cut-off agent must stop its roles before the placement"
                    + " starts them elsewhere");
        }
        if (lease.compareTo(interval.multipliedBy(2)) < 0) {
            config.problem("lease (" + lease.toMillis() + " ms) must span at least two heartbeat.interval ("
                    + interval.toMillis() + " ms): otherwise one late acknowledgement stops every role");
        }
        String httpHost = config.string("http.host", "0.0.0.0");
        int httpPort = config.integer("http.port", DEFAULT_HTTP_PORT, 0, 65535);
        String defaultWorkDir = Path.of(System.getProperty("java.io.tmpdir"),
                "baton-agent-" + (serverId == null ? "unknown" : serverId)).toString();
        Path workDir = workDir(config, config.string("plugin.work.dir", defaultWorkDir));
        Duration startTimeout = positive(config, "plugin.start.timeout", Duration.ofSeconds(10));
        Duration stopGrace = config.duration("plugin.stop.grace", Duration.ofSeconds(2));
        Duration checkInterval = positive(config, "plugin.check.interval", Duration.ofMillis(200));
        Duration dbInterval = positive(config, "db.check.interval", Duration.ofSeconds(1));
        Duration leaveTimeout = positive(config, "leave.timeout", Duration.ofSeconds(15));
        return new AgentSettings(kafka, serverId, kind, advertisedHost,
                interval, lease, failureTimeout, httpHost, httpPort, workDir, startTimeout, stopGrace, checkInterval,
                dbInterval, leaveTimeout);
    }

    private static ServerKind kind(Config config) {
        String value = config.string("server.kind", ServerKind.EXPANSION.name());
        try {
            return ServerKind.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            config.problem("server.kind must be one of " + Arrays.toString(ServerKind.values()) + ", was '" + value + "'");
            return ServerKind.EXPANSION;
        }
    }

    /** The directory must be usable now: a plugin that cannot write its log would fail at its first failover. */
    private static Path workDir(Config config, String value) {
        Path dir;
        try {
            dir = Path.of(value).toAbsolutePath();
        } catch (InvalidPathException e) {
            config.problem("plugin.work.dir '" + value + "' is not a valid path: " + e.getMessage());
            return Path.of(value.replace('\0', '_'));
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            config.problem("plugin.work.dir " + dir + " cannot be created: " + e);
            return dir;
        }
        if (!Files.isWritable(dir)) {
            config.problem("plugin.work.dir " + dir + " is not writable");
        }
        return dir;
    }

    private static Duration positive(Config config, String key, Duration defaultValue) {
        Duration value = config.duration(key, defaultValue);
        if (value.isZero()) {
            config.problem(key + " must be positive");
            return defaultValue;
        }
        return value;
    }

    /**
     * How long fenced roles get between SIGTERM and SIGKILL: what is left of the placement's failure timeout once the
     * lease ran out, less three lease-check intervals (one to notice, one for the kill to take effect, one as
     * margin). The roles must be gone before the placement can declare this server DOWN and start them elsewhere; at
     * the defaults (1000 - 700 - 3 x 50) 150 ms are left, well below the normal {@link #pluginStopGrace()}.
     */
    public Duration fenceStopGrace() {
        Duration left = placementFailureTimeout.minus(lease).minus(LEASE_CHECK_INTERVAL.multipliedBy(3));
        Duration grace = left.isNegative() ? Duration.ZERO : left;
        return grace.compareTo(pluginStopGrace) < 0 ? grace : pluginStopGrace;
    }

    /** These settings with another HTTP port; tests listen on port 0. */
    public AgentSettings withHttpPort(int port) {
        return new AgentSettings(kafka, serverId, kind, advertisedHost, heartbeatInterval, lease,
                placementFailureTimeout, httpHost, port, pluginWorkDir, pluginStartTimeout, pluginStopGrace,
                pluginCheckInterval, dbCheckInterval, leaveTimeout);
    }
}
