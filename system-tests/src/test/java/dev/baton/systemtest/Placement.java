package dev.baton.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.placement.PlacementService;
import dev.baton.placement.PlacementSettings;
import dev.baton.runtime.config.Config;
import dev.baton.testkit.Await;
import dev.baton.testkit.TestDatabase;
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
import org.awaitility.Awaitility;

/**
 * A real placement-service instance in this JVM (the failure timeout of {@link Timing}) and its admin API over
 * HTTP with the bearer token, as an operator's script calls it.
 */
final class Placement implements AutoCloseable {
    static final String TOKEN = "system-test-token";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PlacementService service;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Placement(PlacementService service) {
        this.service = service;
    }

    static Placement start(TestKafka kafka, TestDatabase database) {
        return start(kafka, database, kafka.bootstrapServers(), Timing.FAILURE_TIMEOUT);
    }

    /** An instance that reaches Kafka at {@code bootstrap} (a proxied listener, say) with this failure timeout. */
    static Placement start(TestKafka kafka, TestDatabase database, String bootstrap, Duration failureTimeout) {
        Map<String, String> values = new HashMap<>();
        values.put("instance.id", "placement-st");
        values.put("kafka.bootstrap.servers", bootstrap);
        values.put("kafka.topic.namespace", kafka.namespace());
        values.put("db.url", database.jdbcUrl());
        values.put("db.user", database.username());
        values.put("db.password", database.password());
        values.put("http.host", "127.0.0.1");
        values.put("http.port", "0");
        values.put("api.token", TOKEN);
        values.put("failure.timeout", Timing.millis(failureTimeout));
        Config config = Config.of(values);
        PlacementSettings settings = PlacementSettings.from(config);
        config.requireNoUnknownKeys();
        try {
            return new Placement(PlacementService.start(settings));
        } catch (Exception e) {
            throw new IllegalStateException("the placement-service did not start", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ admin API

    /** A role of the built-in sample plugin, no database, failback off. */
    static ObjectNode role(String roleId, String... servers) {
        ObjectNode role = JSON.createObjectNode().put("roleId", roleId);
        ArrayNode list = role.putArray("servers");
        for (String server : servers) {
            list.add(server);
        }
        return role;
    }

    /** {@code role} run by a command plugin. */
    static ObjectNode withCommand(ObjectNode role, List<String> command) {
        ObjectNode plugin = role.putObject("plugin").put("kind", "command");
        ArrayNode args = plugin.putArray("command");
        command.forEach(args::add);
        return role;
    }

    /** Waits until every server has heartbeated and is listed (a role may only list registered servers). */
    void awaitRegistered(String... serverIds) {
        Await.until("servers registered: " + List.of(serverIds), TIMEOUT, () -> {
            JsonNode servers = get("/api/v1/servers").path("servers");
            for (String serverId : serverIds) {
                boolean found = false;
                for (JsonNode server : servers) {
                    found |= serverId.equals(server.path("serverId").asText());
                }
                if (!found) {
                    return false;
                }
            }
            return true;
        });
    }

    void createRole(ObjectNode role) {
        send("POST", "/api/v1/roles", role);
    }

    /** The role as the placement-service shows it: configuration, {@code hostingServer}, {@code epoch}. */
    JsonNode role(String roleId) {
        return get("/api/v1/roles/" + roleId);
    }

    /** UP, DOWN, MAINTENANCE or UNKNOWN, as the placement sees the server. */
    String serverState(String serverId) {
        return get("/api/v1/servers/" + serverId).path("state").asText();
    }

    void forceHighestPriority(String roleId, boolean on) {
        send("PUT", "/api/v1/roles/" + roleId + "/failback", JSON.createObjectNode().put("forceHighestPriority", on));
    }

    void move(String roleId, String to) {
        send("POST", "/api/v1/roles/" + roleId + "/move", JSON.createObjectNode().put("to", to));
    }

    /**
     * After a test's agents were stopped: waits until the placement no longer counts any server UP. Stopping every
     * agent of a test at once looks like a broker problem to the safety brake, which then holds the next test's
     * failovers; the brake is released here, as an operator would, so each test starts from a settled cluster.
     */
    void awaitNoServerUp() {
        Awaitility.await("every stopped server declared DOWN").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    HttpRequest release = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort()
                                    + "/api/v1/safety-brake/release")).timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.noBody()).build();
                    http.send(release, HttpResponse.BodyHandlers.discarding());
                    for (JsonNode server : get("/api/v1/servers").path("servers")) {
                        if ("UP".equals(server.path("state").asText())) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    /** Sends a request and fails unless the answer is 2xx; returns the body as JSON. */
    JsonNode send(String method, String path, JsonNode body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        service.close();
    }
}
