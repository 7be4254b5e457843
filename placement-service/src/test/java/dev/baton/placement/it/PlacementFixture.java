package dev.baton.placement.it;

import dev.baton.placement.PlacementService;
import dev.baton.placement.PlacementSettings;
import dev.baton.runtime.config.Config;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.util.HashMap;
import java.util.Map;

/** Starts a placement-service instance against a test's broker namespace and database. */
final class PlacementFixture {
    static final String TOKEN = "test-token";

    private PlacementFixture() {
    }

    static PlacementSettings settings(TestKafka kafka, TestDatabase database, String instanceId, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put("instance.id", instanceId);
        values.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        values.put("kafka.topic.namespace", kafka.namespace());
        values.put("db.url", database.jdbcUrl());
        values.put("db.user", database.username());
        values.put("db.password", database.password());
        values.put("http.port", "0");
        values.put("http.host", "127.0.0.1");
        values.put("api.token", TOKEN);
        // A failure timeout above the default (350 ms): a test JVM holding the broker, the database and the service on a
        // shared two-core machine must not see its simulated servers go DOWN for lack of CPU. The detector's timing
        // itself is unit-tested; these tests prove what happens around it.
        values.put("failure.timeout", "1s");
        values.putAll(extra);
        Config config = Config.of(values);
        PlacementSettings settings = PlacementSettings.from(config);
        config.requireNoUnknownKeys();
        return settings;
    }

    static PlacementService start(TestKafka kafka, TestDatabase database, String instanceId) {
        try {
            return PlacementService.start(settings(kafka, database, instanceId, Map.of()));
        } catch (Exception e) {
            throw new IllegalStateException("placement-service did not start", e);
        }
    }

    static String roleJson(String roleId, boolean forceHighestPriority, long failbackDelayMs, String... servers) {
        StringBuilder list = new StringBuilder();
        for (String server : servers) {
            list.append(list.length() == 0 ? "" : ",").append('"').append(server).append('"');
        }
        return "{\"roleId\":\"" + roleId + "\",\"servers\":[" + list + "],\"forceHighestPriority\":" + forceHighestPriority
                + ",\"failbackDelayMs\":" + failbackDelayMs
                + ",\"database\":{\"server\":\"DB1\\\\SQLEXPRESS\",\"host\":\"db1.test\",\"port\":1433}}";
    }
}
