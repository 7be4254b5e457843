package dev.baton.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class PortsTest {
    @Test
    void defaultsAreTheDocumentedPorts() {
        Ports ports = Ports.withOffset(0);
        assertThat(ports.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(ports.byUse()).containsEntry("postgres", 55432).containsEntry("placement-1 http", 8081)
                .containsEntry("placement-2 http", 8091).containsEntry("gateway http", 8082)
                .containsEntry("audit http", 8083).containsEntry("gateway route demo", 7001)
                .containsEntry("server-a http", 8084).containsEntry("server-c http", 8086);
        assertThat(new HashSet<>(ports.byUse().values())).hasSize(ports.byUse().size());
    }

    @Test
    void anOffsetShiftsEveryPort() {
        Ports ports = Ports.withOffset(Ports.parseOffset("+1000"));
        assertThat(ports.kafka()).isEqualTo(10092);
        assertThat(ports.demoRoute()).isEqualTo(8001);
        assertThat(Ports.parseOffset(" ")).isZero();
        assertThat(Ports.parseOffset("-10")).isEqualTo(-10);
    }

    @Test
    void badOffsetsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Ports.parseOffset("lots")).hasMessageContaining("BATON_PORT_OFFSET");
        assertThatThrownBy(() -> Ports.withOffset(60000)).hasMessageContaining("outside 1..65535");
    }
}
