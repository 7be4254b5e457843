package dev.baton.agent.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The decision package stays pure (the house style's import control, without a checkstyle run): no Kafka, Vert.x,
 * sockets, processes or clocks, so every decision is a unit test away.
 */
class SupervisorPurityTest {
    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "baton", "agent", "supervisor");
    private static final List<String> FORBIDDEN = List.of("import org.apache.kafka", "import io.vertx", "import java.net",
            "import java.nio.channels", "import java.io", "ProcessBuilder", "System.currentTimeMillis", "System.nanoTime",
            "Instant.now", "Clock.system", "Thread.sleep", "new Thread");

    @Test
    void shouldKeepTheDecisionCodeFreeOfIoAndClocks() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(SOURCES)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertThat(sources).isNotEmpty();
        for (Path source : sources) {
            String text = Files.readString(source);
            assertThat(FORBIDDEN).as(source.getFileName().toString()).noneMatch(text::contains);
        }
    }
}
