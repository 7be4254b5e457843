package dev.baton.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.events.Endpoint;
import dev.baton.testkit.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a gateway process's routes API and its Prometheus {@code /metrics}, per role. */
final class GatewayMetricsReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final int httpPort;
    private final String token;

    /**
     * Per-role counts of connections that lost their upstream, by outcome, and the longest drain.
     *
     * @param drainMaxMs the longest drain in the gateway's recent window ({@code _max}); NaN when none
     */
    record Outcomes(long idle, long drained, long replayed, long repointedAwaiting, long closedAwaiting,
            double drainMaxMs) {
    }

    GatewayMetricsReader(int httpPort, String token) {
        this.httpPort = httpPort;
        this.token = token;
    }

    /** Until the gateway routes {@code role} to {@code endpoint}. */
    void awaitRunning(String role, Endpoint endpoint, Duration timeout) {
        Await.until(role + " RUNNING at " + endpoint + " in the gateway", timeout, () -> {
            JsonNode route = route(role);
            return route != null && "RUNNING".equals(route.path("state").asText())
                    && endpoint.toString().equals(route.path("upstream").asText());
        });
    }

    /** The role's open client connections; -1 when the gateway does not answer. */
    int openConnections(String role) {
        try {
            JsonNode route = route(role);
            return route == null ? -1 : route.path("openConnections").asInt(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    Outcomes outcomes(String role) throws IOException, InterruptedException {
        String metrics = get("/metrics", false);
        return new Outcomes(losses(metrics, role, "idle"), losses(metrics, role, "drained"),
                losses(metrics, role, "replayed"), losses(metrics, role, "repointed_awaiting"),
                losses(metrics, role, "closed_awaiting"),
                value(metrics, "baton_gateway_drain_duration_seconds_max\\{role=\"" + Pattern.quote(role) + "\"[^}]*}")
                        * 1000);
    }

    /**
     * How many times the gateway reported a role's drain done (RoleDraining to ProxyDrained), and the longest of
     * those drains in ms (NaN when none).
     */
    double[] roleDrains(String role) throws IOException, InterruptedException {
        String metrics = get("/metrics", false);
        String labels = "\\{role=\"" + Pattern.quote(role) + "\"[^}]*}";
        double count = value(metrics, "baton_gateway_role_drain_duration_seconds_count" + labels);
        double max = value(metrics, "baton_gateway_role_drain_duration_seconds_max" + labels);
        return new double[] {Double.isNaN(count) ? 0 : count, max * 1000};
    }

    private static long losses(String metrics, String role, String outcome) {
        double v = value(metrics, "baton_gateway_upstream_losses_total\\{outcome=\"" + outcome + "\",role=\""
                + Pattern.quote(role) + "\"[^}]*}");
        return Double.isNaN(v) ? 0 : (long) v;
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private JsonNode route(String role) throws IOException, InterruptedException {
        for (JsonNode route : JSON.readTree(get("/api/v1/routes", true))) {
            if (role.equals(route.path("roleId").asText())) {
                return route;
            }
        }
        return null;
    }

    private String get(String path, boolean api) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5));
        if (api) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode());
        }
        return response.body();
    }
}
