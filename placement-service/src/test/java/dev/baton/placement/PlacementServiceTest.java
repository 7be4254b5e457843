package dev.baton.placement;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import dev.baton.runtime.config.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementServiceTest {
    @Test
    void shouldGiveUpOnADatabaseThatDoesNotAnswerWithinSeconds() {
        Config config = Config.of(Map.of("api.token", "t", "db.url", "jdbc:postgresql://db:5432/baton"));

        HikariConfig pool = PlacementService.poolConfig(PlacementSettings.from(config));

        assertThat(pool.getJdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/baton");
        assertThat(pool.getConnectionTimeout()).isEqualTo(3_000);
        assertThat(pool.getDataSourceProperties()).containsEntry("connectTimeout", "3").containsEntry("socketTimeout", "10");
    }
}
