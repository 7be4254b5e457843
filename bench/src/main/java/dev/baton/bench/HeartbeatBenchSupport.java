package dev.baton.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the heartbeat and mass-failover benchmarks share: the placement-service as a process of its own, its
 * Prometheus {@code /metrics} read and parsed, and number formatting.
 */
final class HeartbeatBenchSupport {
    static final String API_TOKEN = "bench-token-0123456789";
    /** The placement's JVM: a fixed heap so runs compare; G1 (the JVM's default on a server-class machine). */
    static final List<String> PLACEMENT_JVM = List.of("-Xmx1g", "-Xms256m");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HeartbeatBenchSupport() {
    }

    /** Starts one placement-service instance (no standby) in {@code namespace} and waits until it is ready. */
    static ServiceProcess startPlacement(String name, Infra infra, String namespace, String dbUrl, int httpPort,
            Path workDir, List<String> extraJvmOptions) {
        return startPlacement(name, infra, namespace, dbUrl, httpPort, workDir, extraJvmOptions, Map.of());
    }

    /** As above, with placement settings of the caller's on top ({@code failure.timeout}, say). */
    static ServiceProcess startPlacement(String name, Infra infra, String namespace, String dbUrl, int httpPort,
            Path workDir, List<String> extraJvmOptions, Map<String, String> extraConfig) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("instance.id", "placement-1");
        config.put("kafka.bootstrap.servers", infra.bootstrapServers());
        config.put("kafka.topic.namespace", namespace);
        config.put("db.url", dbUrl);
        config.put("db.user", infra.dbUser());
        config.put("db.password", infra.dbPassword());
        config.put("http.host", "127.0.0.1");
        config.put("http.port", Integer.toString(httpPort));
        config.put("api.token", API_TOKEN);
        config.putAll(extraConfig);
        List<String> jvm = new ArrayList<>(PLACEMENT_JVM);
        jvm.addAll(extraJvmOptions);
        ServiceProcess placement = ServiceProcess.start(name, Repository.jar("placement-service", workDir), jvm, config,
                workDir.resolve("logs"));
        try {
            return placement.awaitReady(httpPort, Duration.ofMinutes(3));
        } catch (RuntimeException e) {
            placement.close();
            throw e;
        }
    }

    /** {@code GET http://127.0.0.1:<port><path>}; the body, or an exception when it does not answer 200. */
    static String get(int port, String path) {
        return get(port, path, false);
    }

    /** The number after {@code "field":} in a JSON text, or -1. */
    static long jsonNumber(String json, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Like {@link #get(int, String)}; with {@code anyStatus} the body of any answer (e.g. a 503 readiness). */
    static String get(int port, String path, boolean anyStatus) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + API_TOKEN).timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 && !anyStatus) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The value of the first sample of {@code metric} in Prometheus text format (any labels), or empty when absent.
     */
    static OptionalDouble metric(String text, String metric) {
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith(metric)) {
                continue;
            }
            int after = metric.length();
            if (after >= line.length() || (line.charAt(after) != ' ' && line.charAt(after) != '{')) {
                continue;
            }
            int valueStart = line.charAt(after) == '{' ? line.indexOf("} ", after) + 2 : after + 1;
            if (valueStart < 2) {
                continue;
            }
            String value = line.substring(valueStart).trim().split(" ")[0];
            return OptionalDouble.of(switch (value) {
                case "NaN" -> Double.NaN;
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value);
            });
        }
        return OptionalDouble.empty();
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f/s", perSecond);
    }

    static String millis(double millis) {
        return String.format(Locale.ROOT, "%.0f ms", millis);
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }
}
