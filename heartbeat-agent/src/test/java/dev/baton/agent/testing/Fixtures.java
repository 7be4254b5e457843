package dev.baton.agent.testing;

import dev.baton.agent.AgentSettings;
import dev.baton.agent.HeartbeatAgent;
import dev.baton.events.DatabaseRef;
import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import dev.baton.events.PluginSpec;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.runtime.config.Config;
import dev.baton.testkit.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Agent configurations and the events a test plays the placement-service with. */
public final class Fixtures {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Fixtures() {
    }

    /** An agent's configuration for tests: a free HTTP port, quick plugin checks, the given Kafka and namespace. */
    public static Map<String, String> agentConfig(String bootstrap, String namespace, String serverId, Path workDir) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("server.id", serverId);
        values.put("kafka.bootstrap.servers", bootstrap);
        values.put("kafka.topic.namespace", namespace);
        values.put("http.port", "0");
        values.put("plugin.work.dir", workDir.toString());
        values.put("plugin.check.interval", "100ms");
        values.put("db.check.interval", "200ms");
        // Longer than the defaults (500 ms / 700 ms): the test machine is shared and at times starved of CPU; only
        // LeaseFencingIT, which is about the lease, runs with the real defaults.
        values.put("lease", "2s");
        values.put("placement.failure.timeout", "3s");
        return values;
    }

    /** Waits until the agent holds its lease and has read the present assignments and configuration. */
    public static void awaitReady(HeartbeatAgent agent, Duration timeout) {
        Await.until("agent ready and caught up", timeout, () -> {
            HttpResponse<String> ready = get(agent.httpPort(), "/health/ready");
            return ready.statusCode() == 200 && ready.body().contains("\"caughtUp\":true");
        });
    }

    public static HeartbeatAgent startInProcess(Map<String, String> values) {
        Config config = Config.of(values);
        AgentSettings settings = AgentSettings.from(config);
        config.requireNoUnknownKeys();
        return HeartbeatAgent.start(settings);
    }

    /** A role listing {@code servers}, run by {@code plugin} (null: the sample plugin). */
    public static RoleConfigured role(String roleId, List<String> servers, PluginSpec plugin, DatabaseRef database) {
        return new RoleConfigured(UUID.randomUUID(), Instant.now(), roleId, 1, servers, false, 0, database, plugin,
                "test");
    }

    public static PluginSpec commandPlugin(List<String> command) {
        return new PluginSpec("command", command, Map.of(), null);
    }

    public static RoleAssignment assignment(String roleId, long epoch, String serverId, MoveReason reason) {
        return new RoleAssignment(UUID.randomUUID(), Instant.now(), roleId, epoch, serverId, null, reason);
    }

    /** What another server's agent publishes when it runs the role. */
    public static RoleStateChanged runningOn(String serverId, String roleId, long epoch) {
        return new RoleStateChanged(UUID.randomUUID(), Instant.now(), roleId, serverId, epoch, RoleState.RUNNING,
                new Endpoint("127.0.0.1", 1), "test");
    }

    /** GET {@code http://127.0.0.1:<port><path>}: status and body. */
    public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
