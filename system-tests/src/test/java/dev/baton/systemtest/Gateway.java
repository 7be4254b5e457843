package dev.baton.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.gateway.GatewayMetrics;
import dev.baton.gateway.GatewaySettings;
import dev.baton.gateway.ProxyGateway;
import dev.baton.runtime.config.Config;
import dev.baton.testkit.Await;
import dev.baton.testkit.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A real proxy-gateway in this JVM: one loopback port per role, its routes API and its meters. */
final class Gateway implements AutoCloseable {
    private static final String TOKEN = "system-test-gateway-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProxyGateway gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Gateway(ProxyGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * Starts a gateway named {@code gatewayId} with a static route for each of {@code roles} (none: only the roles'
     * configured gateway ports), {@code overrides} on top; waits until ready.
     */
    static Gateway start(TestKafka kafka, String gatewayId, List<String> roles, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        values.put("kafka.topic.namespace", kafka.namespace());
        values.put("gateway.id", gatewayId);
        if (!roles.isEmpty()) {
            values.put("routes", roles.stream().map(role -> role + ":0").collect(Collectors.joining(",")));
        }
        values.put("listen.host", "127.0.0.1");
        values.put("http.host", "127.0.0.1");
        values.put("http.port", "0");
        values.put("api.token", TOKEN);
        values.putAll(overrides);
        Config config = Config.of(values);
        GatewaySettings settings = GatewaySettings.from(config);
        config.requireNoUnknownKeys();
        ProxyGateway gateway;
        try {
            gateway = ProxyGateway.start(settings);
        } catch (Exception e) {
            throw new IllegalStateException("the proxy-gateway did not start", e);
        }
        Await.until(gatewayId + " ready", Duration.ofSeconds(30), gateway::ready);
        return new Gateway(gateway);
    }

    int port(String roleId) {
        return gateway.port(roleId);
    }

    GatewayMetrics.RoleMeters meters(String roleId) {
        return gateway.meters(roleId);
    }

    /** The role's entry of {@code GET /api/v1/routes}: epoch, server, upstream, state, connections. */
    JsonNode route(String roleId) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort()
                        + "/api/v1/routes"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET /api/v1/routes answered " + response.statusCode() + ": " + response.body());
            }
            for (JsonNode route : JSON.readTree(response.body())) {
                if (roleId.equals(route.path("roleId").asText())) {
                    return route;
                }
            }
            throw new AssertionError("no route for " + roleId + " in " + response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
