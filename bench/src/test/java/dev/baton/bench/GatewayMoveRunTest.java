package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatewayMoveRunTest {

    @Test
    void shouldTakeTheLongestRequestOfBothTestsFromRedisBenchmarksCsv() {
        String output = """
                "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
                "SET","19022.26","0.891","0.184","0.679","1.991","4.463","76.479"
                "GET","23009.66","0.730","0.144","0.631","1.207","2.855","134.239"
                """;

        assertThat(GatewayMoveRun.maxLatencyMs(output)).isEqualTo(134.239);
    }

    @Test
    void shouldHaveNoLongestRequestWhenTheRunStoppedAtAnError() {
        assertThat(GatewayMoveRun.maxLatencyMs("Error: Server closed the connection\n")).isNaN();
    }
}
