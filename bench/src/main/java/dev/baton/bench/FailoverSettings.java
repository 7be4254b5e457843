package dev.baton.bench;

import dev.baton.agent.AgentSettings;
import dev.baton.audit.AuditSettings;
import dev.baton.gateway.GatewaySettings;
import dev.baton.placement.PlacementSettings;
import dev.baton.runtime.config.Config;
import dev.baton.runtime.config.ConfigException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The configuration overrides of a failover benchmark run ({@code --set key=value} for every service that knows the
 * key, {@code --placement-set}, {@code --agent-set}, {@code --gateway-set}, {@code --audit-set} for one kind), and the
 * effective configuration of each service: the services' own settings parsers applied to what the benchmark passes,
 * so a key's default is the service's default, and a key no service knows, or a combination a service refuses, fails
 * before anything starts.
 */
public final class FailoverSettings {
    /** The kinds of service in the cluster, each with its settings parser. */
    public enum Service {
        PLACEMENT("placement", PlacementSettings::from),
        AGENT("agent", AgentSettings::from),
        GATEWAY("gateway", GatewaySettings::from),
        AUDIT("audit", AuditSettings::from);

        private final String label;
        private final Function<Config, ?> parser;

        Service(String label, Function<Config, ?> parser) {
            this.label = label;
            this.parser = parser;
        }

        public String label() {
            return label;
        }
    }

    /** Keys the benchmark sets itself (ids, addresses, credentials, the route): not open to overrides. */
    static final Set<String> RESERVED = Set.of("instance.id", "server.id", "gateway.id", "kafka.bootstrap.servers",
            "kafka.topic.namespace", "db.url", "db.user", "db.password", "http.host", "http.port", "api.token",
            "routes", "listen.host", "advertised.host", "plugin.work.dir", "control.plane.failover", "admin.url",
            "kafka.group.id");

    private static final Pattern DURATION = Pattern.compile("\\d+\\s*(ms|s|m|h)");

    private final Map<Service, Map<String, String>> overrides = new EnumMap<>(Service.class);
    private final List<String> given = new ArrayList<>();

    private FailoverSettings() {
        for (Service service : Service.values()) {
            overrides.put(service, new LinkedHashMap<>());
        }
    }

    /** No overrides: every service at its defaults. */
    public static FailoverSettings defaults() {
        return new FailoverSettings();
    }

    /**
     * Routes the overrides: {@code all} to every service whose settings know the key (checked against
     * {@code probe}, a base configuration per service), the others to their service only. A {@code failure.timeout}
     * given with {@code --set} also becomes the agents' {@code placement.failure.timeout} unless that is given too.
     *
     * @throws IllegalArgumentException for a malformed assignment, a reserved key or a key the service(s) do not know
     */
    public static FailoverSettings parse(List<String> all, Map<Service, List<String>> perService,
            Map<Service, Map<String, String>> probe) {
        FailoverSettings settings = new FailoverSettings();
        List<String> problems = new ArrayList<>();
        Map<Service, Set<String>> known = new EnumMap<>(Service.class);
        for (Service service : Service.values()) {
            known.put(service, knownKeys(service, probe.getOrDefault(service, Map.of())));
        }
        for (String assignment : all) {
            String[] kv = split(assignment, "--set", problems);
            if (kv == null) {
                continue;
            }
            List<Service> takers = new ArrayList<>();
            for (Service service : Service.values()) {
                if (known.get(service).contains(kv[0])) {
                    takers.add(service);
                }
            }
            if (takers.isEmpty()) {
                problems.add("--set " + kv[0] + ": no service knows this key");
                continue;
            }
            takers.forEach(service -> settings.overrides.get(service).put(kv[0], kv[1]));
            settings.given.add("--set " + assignment.strip());
        }
        for (Service service : Service.values()) {
            for (String assignment : perService.getOrDefault(service, List.of())) {
                String option = "--" + service.label() + "-set";
                String[] kv = split(assignment, option, problems);
                if (kv == null) {
                    continue;
                }
                if (!known.get(service).contains(kv[0])) {
                    problems.add(option + " " + kv[0] + ": the " + service.label() + " has no such key; known: "
                            + String.join(", ", known.get(service)));
                    continue;
                }
                settings.overrides.get(service).put(kv[0], kv[1]);
                settings.given.add(option + " " + assignment.strip());
            }
        }
        Map<String, String> agent = settings.overrides.get(Service.AGENT);
        String timeout = settings.overrides.get(Service.PLACEMENT).get("failure.timeout");
        boolean agentTimeoutGiven = perService.getOrDefault(Service.AGENT, List.of()).stream()
                .anyMatch(a -> a.strip().startsWith("placement.failure.timeout="))
                || all.stream().anyMatch(a -> a.strip().startsWith("placement.failure.timeout="));
        if (timeout != null && !agentTimeoutGiven) {
            agent.put("placement.failure.timeout", timeout);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return settings;
    }

    private static String[] split(String assignment, String option, List<String> problems) {
        String text = assignment.strip();
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            problems.add(option + " '" + assignment + "': expected key=value");
            return null;
        }
        String key = text.substring(0, eq).strip();
        if (RESERVED.contains(key)) {
            problems.add(option + " " + key + ": set by the benchmark itself");
            return null;
        }
        return new String[] {key, text.substring(eq + 1).strip()};
    }

    /** The overrides for {@code service}. */
    public Map<String, String> overrides(Service service) {
        return Map.copyOf(overrides.get(service));
    }

    /** The options as given, for the report's command line. */
    public List<String> given() {
        return List.copyOf(given);
    }

    /** {@code base} with this run's overrides for {@code service} on top. */
    public Map<String, String> apply(Service service, Map<String, String> base) {
        Map<String, String> merged = new LinkedHashMap<>(base);
        merged.putAll(overrides.get(service));
        return merged;
    }

    /** Every key {@code service} reads, with {@code config} given. */
    static Set<String> knownKeys(Service service, Map<String, String> config) {
        Config parsed = Config.of(config);
        try {
            service.parser.apply(parsed);
        } catch (RuntimeException e) {
            // a parser that gives up early still recorded the keys it asked for
        }
        Set<String> keys = new TreeSet<>(describe(parsed).keySet());
        keys.addAll(config.keySet());
        return keys;
    }

    /**
     * The configuration {@code service} runs with when given {@code config}, as it logs it at start-up (secrets
     * masked, defaults included).
     *
     * @throws IllegalArgumentException listing every problem the service would refuse to start with
     */
    public static Map<String, String> effective(Service service, Map<String, String> config) {
        Config parsed = Config.of(config);
        service.parser.apply(parsed);
        try {
            parsed.requireNoUnknownKeys();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(service.label() + ": " + e.getMessage(), e);
        }
        return describe(parsed);
    }

    private static Map<String, String> describe(Config config) {
        Map<String, String> values = new TreeMap<>();
        for (String line : config.describe().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    /**
     * The timing settings among {@code effective}: every key whose value is a duration, plus every key overridden,
     * as {@code key → value → services}; a key with different values in two services has two entries.
     */
    public Map<String, Map<String, List<String>>> timing(Map<Service, Map<String, String>> effective) {
        Map<String, Map<String, List<String>>> timing = new TreeMap<>();
        for (Map.Entry<Service, Map<String, String>> service : effective.entrySet()) {
            Set<String> overridden = overrides.get(service.getKey()).keySet();
            service.getValue().forEach((key, value) -> {
                if (DURATION.matcher(value).matches() || overridden.contains(key) || key.startsWith("flap.")) {
                    timing.computeIfAbsent(key, k -> new LinkedHashMap<>())
                            .computeIfAbsent(value, v -> new ArrayList<>()).add(service.getKey().label());
                }
            });
        }
        return timing;
    }

    /** Whether any override was given. */
    public boolean isDefault() {
        return given.isEmpty();
    }
}
