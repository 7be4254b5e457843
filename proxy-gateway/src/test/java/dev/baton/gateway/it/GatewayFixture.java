package dev.baton.gateway.it;

import dev.baton.gateway.GatewaySettings;
import dev.baton.gateway.ProxyGateway;
import dev.baton.runtime.config.Config;
import dev.baton.testkit.Await;
import dev.baton.testkit.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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

/** A proxy-gateway started in the test JVM against the test class's topic namespace, every role on a free port. */
final class GatewayFixture implements AutoCloseable {
    static final String TOKEN = "test-token-0123456789";

    private final ProxyGateway gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayFixture(ProxyGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * Starts a gateway with a static route on a free port for each of {@code roles} (none: every listener comes from
     * the roles' configuration), with {@code overrides} on top of the test defaults; waits for ready.
     */
    static GatewayFixture start(TestKafka kafka, List<String> roles, Map<String, String> overrides) throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        values.put("kafka.topic.namespace", kafka.namespace());
        values.put("gateway.id", "gw-it");
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
        ProxyGateway gateway = ProxyGateway.start(settings);
        Await.until("gateway ready", Duration.ofSeconds(20), gateway::ready);
        return new GatewayFixture(gateway);
    }

    ProxyGateway gateway() {
        return gateway;
    }

    int port(String roleId) {
        return gateway.port(roleId);
    }

    /** GET {@code path} on the admin server, with the bearer token when {@code withToken}. */
    HttpResponse<String> get(String path, boolean withToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + path))
                .timeout(Duration.ofSeconds(10));
        if (withToken) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The route of {@code roleId} as {@code GET /api/v1/routes} shows it. */
    JsonObject route(String roleId) {
        HttpResponse<String> response = get("/api/v1/routes", true);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /api/v1/routes answered " + response.statusCode() + ": " + response.body());
        }
        JsonArray routes = new JsonArray(response.body());
        for (int i = 0; i < routes.size(); i++) {
            if (roleId.equals(routes.getJsonObject(i).getString("roleId"))) {
                return routes.getJsonObject(i);
            }
        }
        throw new AssertionError("no route for " + roleId + " in " + routes);
    }

    @Override
    public void close() {
        gateway.close();
    }

    /** Stops {@code fixture} and {@code vertx}, either of which may not have started. */
    static void stop(GatewayFixture fixture, Vertx vertx) {
        if (fixture != null) {
            fixture.close();
        }
        if (vertx != null) {
            Waits.result(vertx.close());
        }
    }
}
