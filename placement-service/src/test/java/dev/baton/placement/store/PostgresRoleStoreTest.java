package dev.baton.placement.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.PluginSpec;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresRoleStoreTest {

    @Test
    void shouldClassifyConnectionTroubleAsUnavailableAndAnythingElseAsABug() {
        assertThat(PostgresRoleStore.translate("list roles", new SQLTransientConnectionException("pool timeout")))
                .isInstanceOf(RoleStoreException.Unavailable.class)
                .hasMessage("placement store: cannot list roles: pool timeout");
        for (String state : List.of("08001", "08006", "53300", "57P01", "40001", "40P01")) {
            assertThat(PostgresRoleStore.translate("x", new SQLException("boom", state)))
                    .as(state).isInstanceOf(RoleStoreException.Unavailable.class);
        }
        assertThat(PostgresRoleStore.translate("x", new SQLException("relation does not exist", "42P01")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(PostgresRoleStore.translate("x", new SQLException("no state")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRoundTripAPluginThroughItsStoredJson() {
        PluginSpec command = new PluginSpec("command", List.of("/opt/run", "--port", "{port}"),
                Map.of("LOG_LEVEL", "info", "DB_PASSWORD", "s3cret"), 47001);
        PluginSpec sample = new PluginSpec("sample", null, null, null);

        assertThat(PostgresRoleStore.plugin("r", PostgresRoleStore.pluginJson(command))).isEqualTo(command);
        assertThat(PostgresRoleStore.plugin("r", PostgresRoleStore.pluginJson(sample))).isEqualTo(sample);
    }
}
