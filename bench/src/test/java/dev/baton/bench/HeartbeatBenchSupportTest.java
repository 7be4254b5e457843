package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeartbeatBenchSupportTest {
    private static final String SCRAPE = """
            # HELP baton_placement_heartbeat_lag_seconds now minus how far the heartbeat stream has been read
            # TYPE baton_placement_heartbeat_lag_seconds gauge
            baton_placement_heartbeat_lag_seconds{service="placement-service"} 0.042
            # TYPE baton_placement_heartbeats_total counter
            baton_placement_heartbeats_total{service="placement-service"} 1234567.0
            baton_placement_heartbeats_ignored_total{service="placement-service"} 3.0
            baton_placement_roles 10000.0
            baton_placement_unplaced_total NaN
            """;

    @Test
    void shouldReadASampleWithOrWithoutLabels() {
        assertThat(HeartbeatBenchSupport.metric(SCRAPE, "baton_placement_heartbeat_lag_seconds")).hasValue(0.042);
        assertThat(HeartbeatBenchSupport.metric(SCRAPE, "baton_placement_heartbeats_total")).hasValue(1234567.0);
        assertThat(HeartbeatBenchSupport.metric(SCRAPE, "baton_placement_roles")).hasValue(10000.0);
        assertThat(HeartbeatBenchSupport.metric(SCRAPE, "baton_placement_unplaced_total").getAsDouble()).isNaN();
    }

    @Test
    void shouldNotMistakeAMetricForAnotherWithTheSamePrefix() {
        assertThat(HeartbeatBenchSupport.metric(SCRAPE, "baton_placement_heartbeats")).isEmpty();
        assertThat(HeartbeatBenchSupport.metric(SCRAPE, "baton_placement_missing")).isEmpty();
    }

    @Test
    void shouldReadANumberFromJson() {
        assertThat(HeartbeatBenchSupport.jsonNumber("{\"status\":\"UP\",\"roles\":0,\"servers\": 1500}", "servers"))
                .isEqualTo(1500);
        assertThat(HeartbeatBenchSupport.jsonNumber("{\"status\":\"UP\"}", "servers")).isEqualTo(-1);
    }

    @Test
    void shouldFindTheServerDownMarker() {
        byte[] down = "{\"type\":\"ServerDown\",\"schemaVersion\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] up = "{\"type\":\"ServerUp\",\"schemaVersion\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] marker = "\"type\":\"ServerDown\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(HeartbeatBench.DownWatcher.contains(down, marker)).isTrue();
        assertThat(HeartbeatBench.DownWatcher.contains(up, marker)).isFalse();
    }
}
