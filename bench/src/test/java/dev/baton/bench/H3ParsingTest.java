package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class H3ParsingTest {
    @Test
    void shouldSumTheStoredCounterOverItsTypes() {
        String metrics = """
                # HELP baton_audit_events_stored_total events stored
                # TYPE baton_audit_events_stored_total counter
                baton_audit_events_stored_total{service="audit-service",type="RoleMoved"} 1500.0
                baton_audit_events_stored_total{service="audit-service",type="ServerDown"} 2.0
                baton_audit_events_duplicate_total{service="audit-service"} 7.0
                """;
        assertThat(AuditBench.storedTotal(metrics)).isEqualTo(1502);
        assertThat(AuditBench.storedTotal("")).isZero();
    }

    @Test
    void shouldReadTheReceiverRateOfAnIperf3Result() throws Exception {
        var json = new ObjectMapper().readTree("""
                {"end": {"sum_sent": {"bits_per_second": 2.1e10, "retransmits": 3},
                         "sum_received": {"bits_per_second": 2.0e10}}}
                """);
        assertThat(GatewayBench.bitsPerSecond(json)).isEqualTo(2.0e10);
        assertThat(GatewayBench.retransmits(json)).isEqualTo(3);
        assertThatThrownBy(() -> GatewayBench.bitsPerSecond(new ObjectMapper().readTree("{\"end\": {}}")))
                .hasMessageContaining("bits_per_second");
    }

    @Test
    void shouldWriteAHaproxyConfigurationInTcpMode() {
        String config = GatewayBench.haproxyConfig(1, 1001, 2001, 1002, 2002);
        assertThat(config).contains("nbthread 1", "mode tcp", "bind 127.0.0.1:1001", "server iperf3 127.0.0.1:2001",
                "bind 127.0.0.1:1002", "server echo 127.0.0.1:2002");
    }

    @Test
    void shouldStartWithEveryRoleConfiguredThenMoveRoles() {
        AuditBenchEvents events = new AuditBenchEvents(10, java.time.Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(events.next()).hasSize(10).allMatch(e -> e.type().wireName().equals("RoleConfigured"));
        assertThat(events.next()).extracting(e -> e.type().wireName())
                .containsExactly("RoleMoved", "RoleStateChanged", "RoleStateChanged", "ProxyReconnected");
    }
}
