package dev.baton.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pure packages ({@code ingest}, {@code query}) stay free of I/O: no Kafka, JDBC, Vert.x or Flyway imports.
 * Only the adapters in {@code dev.baton.audit} talk to the outside.
 */
class PackageBoundariesTest {
    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "baton", "audit");
    private static final List<String> FORBIDDEN = List.of(
            "import org.apache.kafka", "import java.sql", "import javax.sql", "import io.vertx", "import org.flywaydb",
            "import com.zaxxer", "import io.micrometer");

    @Test
    void shouldKeepKafkaJdbcAndVertxOutOfThePurePackages() throws IOException {
        for (String pure : List.of("ingest", "query")) {
            try (Stream<Path> files = Files.list(SOURCES.resolve(pure))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    for (String forbidden : FORBIDDEN) {
                        assertThat(source).as(file + " must not " + forbidden).doesNotContain(forbidden);
                    }
                }
            }
        }
    }
}
