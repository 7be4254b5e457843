package dev.baton.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PluginSpecTest {
    private static final PluginSpec SPEC = new PluginSpec(
            "command", List.of("/opt/billing/bin/billing-plugin", "--port", "{port}"),
            Map.of("BILLING_DB_PASSWORD", "hunter2-secret", "BILLING_LOG_LEVEL", "debug-value"), 47001);

    @Test
    void shouldMaskEnvironmentValuesInToString() {
        assertThat(SPEC.toString())
                .contains("BILLING_DB_PASSWORD", "BILLING_LOG_LEVEL", "values masked")
                .doesNotContain("hunter2-secret", "debug-value");
    }

    @Test
    void shouldShowKindCommandAndPortInToString() {
        assertThat(SPEC.toString()).contains("kind=command", "/opt/billing/bin/billing-plugin", "port=47001");
    }

    @Test
    void shouldMaskEnvironmentValuesInTheToStringOfTheEventCarryingIt() {
        var event = new RoleConfigured(UUID.randomUUID(), SampleEvents.OCCURRED_AT, "billing", 1, List.of("srv-01"),
                false, 0, null, SPEC, "alice");

        assertThat(event.toString()).contains("BILLING_DB_PASSWORD").doesNotContain("hunter2-secret");
    }

    @Test
    void shouldStillCarryEnvironmentValues() {
        assertThat(SPEC.environment()).containsEntry("BILLING_DB_PASSWORD", "hunter2-secret");
    }

    @Test
    void shouldDefaultAbsentCommandAndEnvironmentToEmpty() {
        var spec = new PluginSpec("sample", null, null, null);

        assertThat(spec.command()).isEmpty();
        assertThat(spec.environment()).isEmpty();
        assertThat(spec.port()).isNull();
    }

    @Test
    void shouldCopyCommandAndEnvironment() {
        var command = new java.util.ArrayList<>(List.of("run"));
        var environment = new java.util.HashMap<>(Map.of("A", "1"));
        var spec = new PluginSpec("command", command, environment, null);

        command.add("--later");
        environment.put("B", "2");

        assertThat(spec.command()).containsExactly("run");
        assertThat(spec.environment()).containsOnlyKeys("A");
    }

    @Test
    void shouldRejectBlankKind() {
        assertThatThrownBy(() -> new PluginSpec(" ", null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("plugin.kind is blank");
    }

    @Test
    void shouldRejectNullEnvironmentValue() {
        var environment = new java.util.HashMap<String, String>();
        environment.put("BILLING_DB_PASSWORD", null);

        assertThatThrownBy(() -> new PluginSpec("command", null, environment, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("plugin.environment contains a null value");
    }
}
