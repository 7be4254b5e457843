package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.bench.FailoverSettings.Service;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailoverSettingsTest {
    @TempDir
    Path work;

    private FailoverSettings parse(List<String> all, Map<Service, List<String>> perService) {
        return FailoverSettings.parse(all, perService, FailoverCluster.probeConfig(work));
    }

    @Test
    void shouldPassASharedKeyToEveryServiceThatKnowsIt() {
        FailoverSettings settings = parse(List.of("heartbeat.interval=50ms"), Map.of());

        assertThat(settings.overrides(Service.PLACEMENT)).containsEntry("heartbeat.interval", "50ms");
        assertThat(settings.overrides(Service.AGENT)).containsEntry("heartbeat.interval", "50ms");
        assertThat(settings.overrides(Service.GATEWAY)).isEmpty();
        assertThat(settings.overrides(Service.AUDIT)).isEmpty();
        assertThat(settings.given()).containsExactly("--set heartbeat.interval=50ms");
    }

    @Test
    void shouldGiveTheAgentsThePlacementFailureTimeoutUnlessItIsGiven() {
        assertThat(parse(List.of("failure.timeout=1s"), Map.of()).overrides(Service.AGENT))
                .containsEntry("placement.failure.timeout", "1s");
        assertThat(parse(List.of("failure.timeout=1s"), Map.of(Service.AGENT, List.of("placement.failure.timeout=900ms")))
                .overrides(Service.AGENT)).containsEntry("placement.failure.timeout", "900ms");
    }

    @Test
    void shouldRefuseUnknownReservedAndMalformedKeys() {
        assertThatThrownBy(() -> parse(List.of("no.such.key=1"), Map.of()))
                .hasMessageContaining("no service knows this key");
        assertThatThrownBy(() -> parse(List.of(), Map.of(Service.GATEWAY, List.of("lease=300ms"))))
                .hasMessageContaining("--gateway-set lease: the gateway has no such key");
        assertThatThrownBy(() -> parse(List.of("http.port=1"), Map.of())).hasMessageContaining("set by the benchmark");
        assertThatThrownBy(() -> parse(List.of("lease"), Map.of())).hasMessageContaining("expected key=value");
    }

    @Test
    void shouldComputeTheEffectiveConfigurationWithTheServicesOwnRules() {
        Map<Service, Map<String, String>> probe = FailoverCluster.probeConfig(work);
        FailoverSettings settings = parse(List.of("lease=300ms"), Map.of());

        Map<String, String> agent = FailoverSettings.effective(Service.AGENT, settings.apply(Service.AGENT,
                probe.get(Service.AGENT)));
        assertThat(agent).containsEntry("lease", "300ms").containsEntry("heartbeat.interval", "100ms");
        FailoverSettings tooLong = parse(List.of("lease=1200ms"), Map.of());
        assertThatThrownBy(() -> FailoverSettings.effective(Service.AGENT, tooLong.apply(Service.AGENT,
                probe.get(Service.AGENT)))).hasMessageContaining("must be shorter than placement.failure.timeout");
    }

    @Test
    void shouldListTimingSettingsPerValue() {
        Map<Service, Map<String, String>> effective = Map.of(
                Service.PLACEMENT, Map.of("heartbeat.interval", "100ms", "instance.id", "placement-1"),
                Service.AGENT, Map.of("heartbeat.interval", "50ms", "lease", "500ms"));
        Map<String, Map<String, List<String>>> timing = FailoverSettings.defaults().timing(effective);

        assertThat(timing).containsOnlyKeys("heartbeat.interval", "lease");
        assertThat(timing.get("heartbeat.interval")).containsEntry("100ms", List.of("placement"))
                .containsEntry("50ms", List.of("agent"));
    }
}
