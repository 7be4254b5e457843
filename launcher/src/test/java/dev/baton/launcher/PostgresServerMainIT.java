package dev.baton.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.Await;
import dev.baton.testkit.FreePorts;
import dev.baton.testkit.PostgresBinaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local run's PostgreSQL process started exactly as {@code ./baton up} starts it — the same main class, JVM
 * options (a 96 MiB heap) and arguments, from {@link ServiceSpecs#postgres()} — on a fresh machine's state: once
 * against an empty binaries cache, once against a cache that a killed unpacking left incomplete (and a temp directory
 * poisoned the way an older layout left it). Each time it must serve the run's database.
 */
class PostgresServerMainIT {
    @TempDir
    Path tmp;

    @Test
    void shouldUnpackIntoAnEmptyCacheWithTheRunsSmallHeapAndServe() throws Exception {
        Path cache = tmp.resolve("cache");

        serveAndStop(cache, Map.of());

        assertThat(PostgresBinaries.isComplete(PostgresBinaries.in(cache).folder())).isTrue();
    }

    @Test
    void shouldRepairAnIncompleteCacheAndIgnoreAPoisonedTempDirectory() throws Exception {
        Path cache = tmp.resolve("cache");
        Path folder = PostgresBinaries.in(cache).folder();
        // What a killed unpacking left: lib/ and share/, no bin/, no mark.
        Files.createDirectories(folder.resolve("share"));
        Files.createDirectories(folder.resolve("lib"));
        Files.writeString(folder.resolve("lib").resolve("libicudata.so.60.2"), "cut short");
        Files.createSymbolicLink(folder.resolve("lib").resolve("libicudata.so"), Path.of("libicudata.so.60.2"));
        // What the older layout left in the temp directory, which made every later start fail.
        Path javaTmp = tmp.resolve("java-tmp");
        Path poisoned = javaTmp.resolve("embedded-pg").resolve("PG-0123456789abcdef0123456789abcdef");
        Files.createDirectories(poisoned.resolve("lib"));
        Files.createDirectories(poisoned.resolve("share"));
        Files.writeString(poisoned.resolve("lib").resolve("libicudata.so"), "cut short");

        serveAndStop(cache, Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + javaTmp));

        assertThat(PostgresBinaries.isComplete(folder)).isTrue();
        assertThat(Files.size(folder.resolve("lib").resolve("libicudata.so.60.2"))).isGreaterThan(1_000_000);
    }

    /** Starts the process as the run does, waits for its ready line, queries the database, stops it with SIGTERM. */
    private void serveAndStop(Path cache, Map<String, String> extraEnv) throws Exception {
        Path root = Path.of(System.getProperty("baton.root", "..")).toRealPath();
        int port = FreePorts.next();
        Ports base = Ports.withOffset(0);
        Ports ports = new Ports(base.kafka(), base.kafkaController(), port, base.placement1(), base.placement2(),
                base.gateway(), base.audit(), base.agentA(), base.agentB(), base.agentC(), base.demoRoute());
        Path home = tmp.resolve("home");
        ServiceSpecs.Spec spec = new ServiceSpecs(root, home, ports, "-Dbaton.home=" + home,
                Map.of(PostgresBinaries.CACHE_ENV, cache.toString())).postgres();
        assertThat(spec.command()).containsSequence(ServiceSpecs.POSTGRES_JVM)
                .contains(PostgresServerMain.class.getName());

        Path log = tmp.resolve("postgres.log");
        ProcessBuilder builder = new ProcessBuilder(spec.command()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BATON_") || name.equals("JAVA_TOOL_OPTIONS"));
        Map<String, String> env = new LinkedHashMap<>(spec.env());
        env.putAll(extraEnv);
        builder.environment().putAll(env);
        Process postgres = builder.start();
        try {
            Await.until("PostgreSQL's ready line", Duration.ofMinutes(2), () -> {
                String text = Files.readString(log, StandardCharsets.UTF_8);
                if (!postgres.isAlive()) {
                    throw new IllegalStateException("PostgresServerMain exited with " + postgres.exitValue() + ":\n"
                            + text);
                }
                return text.contains(LocalRun.READY_MARKER);
            });
            try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/"
                    + ServiceSpecs.DATABASE, ServiceSpecs.DB_USER, ServiceSpecs.DB_PASSWORD);
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT current_database()")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo(ServiceSpecs.DATABASE);
            }
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain("OutOfMemoryError");
        } finally {
            postgres.destroy();
            if (!postgres.waitFor(60, TimeUnit.SECONDS)) {
                postgres.destroyForcibly();
            }
        }
        assertThat(Files.exists(home.resolve("postgres").resolve("postmaster.pid")))
                .as("PostgreSQL stopped with its starter").isFalse();
    }
}
