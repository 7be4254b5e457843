package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresFlywayIT {

    @Test
    void shouldMigrateAFreshDatabaseAndReadBackThroughJdbc(TestDatabase database) throws SQLException {
        MigrateResult result = Flyway.configure()
                .dataSource(database.dataSource())
                .locations("classpath:db/testkit")
                .load()
                .migrate();
        assertThat(result.migrationsExecuted).isEqualTo(2);
        assertThat(result.targetSchemaVersion).isEqualTo("2");

        try (Connection connection = database.connect()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO roles (role_id, servers, config, epoch) VALUES (?, ?, ?::jsonb, ?)")) {
                insert.setString(1, "role-1");
                insert.setArray(2, connection.createArrayOf("text", new String[] {"server-a", "server-b"}));
                insert.setString(3, "{\"forceHighestPriority\": true}");
                insert.setLong(4, 3);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT servers, config->>'forceHighestPriority', epoch FROM roles WHERE role_id = ?")) {
                select.setString(1, "role-1");
                try (ResultSet rows = select.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    Array servers = rows.getArray(1);
                    assertThat((String[]) servers.getArray()).containsExactly("server-a", "server-b");
                    assertThat(rows.getString(2)).isEqualTo("true");
                    assertThat(rows.getLong(3)).isEqualTo(3);
                    assertThat(rows.next()).isFalse();
                }
            }
            try (PreparedStatement version = connection.prepareStatement("SELECT current_setting('server_version_num')::int")) {
                try (ResultSet rows = version.executeQuery()) {
                    rows.next();
                    assertThat(rows.getInt(1)).as("PostgreSQL major version").isGreaterThanOrEqualTo(170000);
                }
            }
        }
    }

    @Test
    void shouldGiveEachTestClassItsOwnEmptyDatabase(TestDatabase database) throws SQLException {
        assertThat(database.name()).startsWith("t_postgresflywayit_");
        try (Connection connection = database.connect();
             ResultSet rows = connection.createStatement().executeQuery("SELECT current_database()")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo(database.name());
        }
    }
}
