package dev.baton.placement;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.runtime.config.Config;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.jdbc.PgConnection;

/** The placement's pool as configured reaches PostgreSQL with its socket timeout really in force. */
@ExtendWith(PostgresExtension.class)
class PlacementPoolIT {

    @Test
    void shouldOpenConnectionsWithTheConfiguredConnectAndSocketTimeouts(TestDatabase database) throws Exception {
        PlacementSettings settings = PlacementSettings.from(Config.of(Map.of("api.token", "t",
                "db.url", database.jdbcUrl(), "db.user", database.username(), "db.password", database.password())));

        try (HikariDataSource pool = new HikariDataSource(PlacementService.poolConfig(settings));
                Connection connection = pool.getConnection()) {
            // pgjdbc reports the socket's read timeout as the network timeout, in milliseconds: the driver took the
            // pool's data source properties (connectTimeout travels the same way).
            assertThat(connection.unwrap(PgConnection.class).getNetworkTimeout()).isEqualTo(10_000);
            assertThat(pool.getConnectionTimeout()).isEqualTo(3_000);
        }
    }
}
