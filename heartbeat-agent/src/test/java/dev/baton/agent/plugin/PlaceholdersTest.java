package dev.baton.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {
    private final Placeholders placeholders = new Placeholders(47001, "billing", "srv-01");

    @Test
    void shouldReplacePortRoleAndServerInArgumentsAndEnvironmentValues() {
        assertThat(placeholders.apply(List.of("/opt/plugin", "--port={port}", "{roleId}@{serverId}", "{port}{port}")))
                .containsExactly("/opt/plugin", "--port=47001", "billing@srv-01", "4700147001");
        assertThat(placeholders.apply(Map.of("LISTEN", "0.0.0.0:{port}", "{port}", "key stays")))
                .containsEntry("LISTEN", "0.0.0.0:47001").containsEntry("{port}", "key stays");
    }

    @Test
    void shouldLeaveOtherBracesAlone() {
        assertThat(placeholders.apply("{\"port\": {port}, \"x\": {other}}"))
                .isEqualTo("{\"port\": 47001, \"x\": {other}}");
    }

    @Test
    void shouldDescribeExitCodesAndSignals() {
        assertThat(CommandPlugin.exit(3)).isEqualTo("exited with code 3");
        assertThat(CommandPlugin.exit(137)).isEqualTo("exited with code 137 (signal 9)");
    }
}
