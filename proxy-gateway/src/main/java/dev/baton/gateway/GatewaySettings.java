package dev.baton.gateway;

import dev.baton.events.Ids;
import dev.baton.gateway.connection.Backoff;
import dev.baton.gateway.connection.InFlightPolicy;
import dev.baton.gateway.connection.SwitchPolicy;
import dev.baton.runtime.config.Config;
import dev.baton.runtime.kafka.KafkaSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The proxy-gateway's validated configuration. Preambles (often login lines) and the API token never appear in
 * {@link #toString()}.
 *
 * @param gatewayId {@code gateway.id}: names this gateway in its events; default {@code gw-<hostname>}
 * @param routes {@code routes} ({@code role-1:7001,role-2:7002}, optional: static listeners that override the
 *     {@code gatewayPort} of the roles' configuration) with {@code preamble.secrets}
 *     ({@code role-1:<base64>,...}) and each role's in-flight policy: {@code inflight.policy.roles}
 *     ({@code role-1:replay,...}), else {@code inflight.policy} ({@code close}), replaying at most
 *     {@code inflight.replay.bytes}
 * @param listenHost {@code listen.host}: where the role ports listen
 * @param httpHost {@code http.host}; {@code httpPort} {@code http.port}: admin API, health and metrics (0 = free
 *     port)
 * @param apiToken {@code api.token}: bearer token of {@code /api/v1}; null leaves the read-only API open
 * @param switchTimeout {@code switch.timeout}: the longest a client is held without an upstream
 * @param switchBufferBytes {@code switch.buffer.bytes}: client bytes held per connection while it has no upstream
 *     before its socket is paused
 * @param writeQueueBytes {@code write.queue.bytes}: unflushed bytes per socket before the other side stops reading
 * @param connectTimeout {@code connect.timeout}: one connect attempt to an upstream
 * @param backoffInitial {@code retry.backoff.initial}; {@code backoffMax} {@code retry.backoff.max}
 * @param nativeTransport {@code transport.native}: use epoll when it loads (Linux), NIO otherwise
 * @param drainTimeout {@code drain.timeout}: the longest a connection awaiting an answer drains from the old host of
 *     a planned move
 * @param quietInterval {@code inflight.quiet}: how long a connection must have been quiet in both directions, the
 *     upstream's bytes last, to count as idle when it loses its upstream
 * @param inFlight {@code inflight.policy} with {@code inflight.replay.bytes}: the in-flight policy of the roles not in
 *     {@code inflight.policy.roles}, including those whose listener comes from their configuration
 */
public record GatewaySettings(
        KafkaSettings kafka,
        String gatewayId,
        List<RoleRoute> routes,
        String listenHost,
        String httpHost,
        int httpPort,
        String apiToken,
        Duration switchTimeout,
        int switchBufferBytes,
        int writeQueueBytes,
        Duration connectTimeout,
        Duration backoffInitial,
        Duration backoffMax,
        boolean nativeTransport,
        Duration drainTimeout,
        Duration quietInterval,
        InFlightPolicy inFlight) {

    public static final String SERVICE = "proxy-gateway";
    public static final int DEFAULT_HTTP_PORT = 8082;
    public static final int DEFAULT_SWITCH_BUFFER_BYTES = 1024 * 1024;
    /** Netty's own default high-water mark: enough to keep a socket busy, small enough per connection. */
    public static final int DEFAULT_WRITE_QUEUE_BYTES = 64 * 1024;
    /** Shorter tokens are refused: a bearer token is the API's only protection. */
    public static final int MIN_TOKEN_LENGTH = 16;

    public GatewaySettings {
        routes = List.copyOf(routes);
    }

    /** Reads and validates every key; problems are recorded in {@code config} and reported together. */
    public static GatewaySettings from(Config config) {
        KafkaSettings kafka = KafkaSettings.from(config, SERVICE);
        String gatewayId = config.string("gateway.id", defaultGatewayId());
        try {
            Ids.requireValid("gateway.id", gatewayId);
        } catch (IllegalArgumentException e) {
            config.problem(e.getMessage());
        }
        int bufferBytes = config.integer("switch.buffer.bytes", DEFAULT_SWITCH_BUFFER_BYTES, 1024, 256 * 1024 * 1024);
        int replayBytes = config.integer("inflight.replay.bytes", InFlightPolicy.DEFAULT_REPLAY_LIMIT_BYTES, 1,
                256 * 1024 * 1024);
        if (replayBytes > bufferBytes) {
            config.problem("inflight.replay.bytes (" + replayBytes + ") must not exceed switch.buffer.bytes ("
                    + bufferBytes + "): the bytes to resend are held with the client's");
        }
        InFlightPolicy.Mode defaultMode = InFlightPolicy.Mode.CLOSE;
        try {
            defaultMode = InFlightPolicy.Mode.parse(config.string("inflight.policy",
                    InFlightPolicy.Mode.CLOSE.wireName()).trim());
        } catch (IllegalArgumentException e) {
            config.problem("inflight.policy: " + e.getMessage());
        }
        Map<String, InFlightPolicy> policies = parsePolicies(config, config.string("inflight.policy.roles", null),
                replayBytes);
        InFlightPolicy inFlight = new InFlightPolicy(defaultMode, replayBytes);
        List<RoleRoute> routes = parseRoutes(config, config.string("routes", null),
                config.string("preamble.secrets", null), inFlight, policies);
        String listenHost = config.string("listen.host", "0.0.0.0");
        String httpHost = config.string("http.host", "0.0.0.0");
        int httpPort = config.integer("http.port", DEFAULT_HTTP_PORT, 0, 65535);
        String token = config.string("api.token", null);
        if (token != null && token.length() < MIN_TOKEN_LENGTH) {
            config.problem("api.token must be at least " + MIN_TOKEN_LENGTH + " characters long");
        }
        Duration switchTimeout = config.duration("switch.timeout", Duration.ofSeconds(10));
        int writeQueueBytes = config.integer("write.queue.bytes", DEFAULT_WRITE_QUEUE_BYTES, 4096, 64 * 1024 * 1024);
        Duration connectTimeout = config.duration("connect.timeout", Duration.ofSeconds(2));
        Duration backoffInitial = config.duration("retry.backoff.initial", Duration.ofMillis(50));
        Duration backoffMax = config.duration("retry.backoff.max", Duration.ofSeconds(1));
        boolean nativeTransport = config.bool("transport.native", true);
        Duration drainTimeout = config.duration("drain.timeout", SwitchPolicy.DEFAULT_DRAIN_TIMEOUT);
        if (drainTimeout.isZero()) {
            config.problem("drain.timeout must be positive");
        }
        Duration quietInterval = config.duration("inflight.quiet", SwitchPolicy.DEFAULT_QUIET_INTERVAL);
        if (switchTimeout.isZero()) {
            config.problem("switch.timeout must be positive");
        }
        if (connectTimeout.isZero() || connectTimeout.toMillis() > Integer.MAX_VALUE) {
            config.problem("connect.timeout must be positive and below 24 days");
        } else if (connectTimeout.compareTo(switchTimeout) > 0) {
            config.problem("connect.timeout (" + connectTimeout.toMillis() + " ms) must not exceed switch.timeout ("
                    + switchTimeout.toMillis() + " ms)");
        }
        if (backoffInitial.isZero()) {
            config.problem("retry.backoff.initial must be positive");
        } else if (backoffMax.compareTo(backoffInitial) < 0) {
            config.problem("retry.backoff.max must not be below retry.backoff.initial");
        }
        for (RoleRoute route : routes) {
            if (route.port() != 0 && route.port() == httpPort) {
                config.problem("routes: port " + route.port() + " of " + route.roleId() + " is also http.port");
            }
        }
        return new GatewaySettings(kafka, gatewayId, routes, listenHost, httpHost, httpPort, token, switchTimeout,
                bufferBytes, writeQueueBytes, connectTimeout, backoffInitial, backoffMax, nativeTransport,
                drainTimeout.isZero() ? SwitchPolicy.DEFAULT_DRAIN_TIMEOUT : drainTimeout, quietInterval, inFlight);
    }

    /** The switch timeout and back-off the connection state machines run with. */
    public SwitchPolicy switchPolicy() {
        return new SwitchPolicy(switchTimeout, new Backoff(backoffInitial, backoffMax), drainTimeout, quietInterval);
    }

    /** The same settings with the admin server on another port; tests start on port 0. */
    public GatewaySettings withHttpPort(int port) {
        return new GatewaySettings(kafka, gatewayId, routes, listenHost, httpHost, port, apiToken, switchTimeout,
                switchBufferBytes, writeQueueBytes, connectTimeout, backoffInitial, backoffMax, nativeTransport,
                drainTimeout, quietInterval, inFlight);
    }

    /** {@code roleId:policy,...}; the replay limit is the same for every role. */
    static Map<String, InFlightPolicy> parsePolicies(Config config, String value, int replayBytes) {
        Map<String, InFlightPolicy> policies = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return policies;
        }
        for (String entry : value.split(",")) {
            String item = entry.trim();
            int colon = item.indexOf(':');
            if (colon <= 0) {
                config.problem("inflight.policy.roles: '" + item + "' must be <roleId>:<policy>, e.g. billing:replay");
                continue;
            }
            String roleId = item.substring(0, colon).trim();
            try {
                InFlightPolicy.Mode mode = InFlightPolicy.Mode.parse(item.substring(colon + 1).trim());
                if (policies.put(roleId, new InFlightPolicy(mode, replayBytes)) != null) {
                    config.problem("inflight.policy.roles: " + roleId + " appears twice");
                }
            } catch (IllegalArgumentException e) {
                config.problem("inflight.policy.roles: " + roleId + ": " + e.getMessage());
            }
        }
        return policies;
    }

    static List<RoleRoute> parseRoutes(Config config, String routesValue, String preamblesValue,
            InFlightPolicy defaultPolicy, Map<String, InFlightPolicy> policies) {
        Map<String, byte[]> preambles = new LinkedHashMap<>();
        if (preamblesValue != null) {
            for (String entry : preamblesValue.split(",")) {
                String item = entry.trim();
                int colon = item.indexOf(':');
                if (colon <= 0) {
                    // The value is a secret: name the position, never the text.
                    config.problem("preamble.secrets: each entry must be <roleId>:<base64>");
                    continue;
                }
                String roleId = item.substring(0, colon).trim();
                try {
                    byte[] bytes = Base64.getDecoder().decode(item.substring(colon + 1).trim());
                    if (bytes.length == 0) {
                        config.problem("preamble.secrets: the preamble of " + roleId + " is empty");
                    } else if (preambles.put(roleId, bytes) != null) {
                        config.problem("preamble.secrets: " + roleId + " appears twice");
                    }
                } catch (IllegalArgumentException e) {
                    config.problem("preamble.secrets: the preamble of " + roleId + " is not valid Base64");
                }
            }
        }
        List<RoleRoute> routes = new ArrayList<>();
        if (routesValue == null) {
            return routes;
        }
        Set<String> roles = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (String entry : routesValue.split(",")) {
            String item = entry.trim();
            int colon = item.lastIndexOf(':');
            if (colon <= 0) {
                config.problem("routes: '" + item + "' must be <roleId>:<port>, e.g. billing:7001");
                continue;
            }
            String roleId = item.substring(0, colon).trim();
            int port;
            try {
                port = Integer.parseInt(item.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                config.problem("routes: the port of '" + item + "' is not a number");
                continue;
            }
            try {
                RoleRoute route = new RoleRoute(roleId, port, preambles.get(roleId),
                        policies.getOrDefault(roleId, defaultPolicy));
                if (!roles.add(roleId)) {
                    config.problem("routes: " + roleId + " appears twice");
                } else if (port != 0 && !ports.add(port)) {
                    config.problem("routes: port " + port + " is used by two roles");
                } else {
                    routes.add(route);
                }
            } catch (IllegalArgumentException e) {
                config.problem("routes: " + e.getMessage());
            }
        }
        for (String roleId : preambles.keySet()) {
            if (!roles.contains(roleId)) {
                config.problem("preamble.secrets: " + roleId + " is not in routes");
            }
        }
        for (String roleId : policies.keySet()) {
            if (!roles.contains(roleId)) {
                config.problem("inflight.policy.roles: " + roleId + " is not in routes");
            }
        }
        return routes;
    }

    /** {@code gw-} and the host name, cut to a valid id; {@code gw-local} when the name cannot be read. */
    static String defaultGatewayId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "local";
        }
        String id = "gw-" + host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        return id.length() > Ids.MAX_LENGTH ? id.substring(0, Ids.MAX_LENGTH) : id;
    }

    @Override
    public String toString() {
        return "GatewaySettings[kafka=" + kafka + ", gatewayId=" + gatewayId + ", routes=" + routes + ", listenHost="
                + listenHost + ", httpHost=" + httpHost + ", httpPort=" + httpPort + ", apiToken="
                + (apiToken == null ? "none" : "****") + ", switchTimeout=" + switchTimeout + ", switchBufferBytes="
                + switchBufferBytes + ", writeQueueBytes=" + writeQueueBytes + ", connectTimeout=" + connectTimeout
                + ", backoffInitial=" + backoffInitial
                + ", backoffMax=" + backoffMax + ", nativeTransport=" + nativeTransport + ", drainTimeout="
                + drainTimeout + ", quietInterval=" + quietInterval + ", inFlight=" + inFlight + "]";
    }
}
