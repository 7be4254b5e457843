package dev.baton.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The decision code (routing, connection state machine) stays free of I/O frameworks, so it is tested without
 * sockets or a broker. A source scan rather than ArchUnit: one import rule does not justify another dependency.
 */
class PurePackagesTest {
    private static final List<String> FORBIDDEN = List.of("import io.vertx", "import io.netty",
            "import org.apache.kafka", "import io.micrometer", "import java.net", "import java.nio.channels");

    @Test
    void shouldKeepRoutingAndConnectionDecisionsFreeOfIoImports() throws IOException {
        Path root = Path.of("src/main/java/dev/baton/gateway");
        for (String pure : List.of("routing", "connection")) {
            try (Stream<Path> files = Files.list(root.resolve(pure))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    assertThat(lines).as(file.toString())
                            .noneMatch(line -> FORBIDDEN.stream().anyMatch(line::startsWith));
                }
            }
        }
    }
}
