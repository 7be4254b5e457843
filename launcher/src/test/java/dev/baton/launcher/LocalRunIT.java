package dev.baton.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.testkit.Await;
import dev.baton.testkit.LineClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke test of a newcomer's first run: {@code ./baton up} from the repository root, exactly as the README starts
 * it, from a fresh state — an empty {@code BATON_HOME} and an empty PostgreSQL binaries cache, so the binaries are
 * unpacked by the run's own small-heap PostgreSQL process — with every port shifted by 1000, so it does not clash
 * with a developer's own run. It sends a line through the gateway, lists the roles with {@code ./baton roles list}
 * (nothing exported: the entry point finds the run's URLs and token in {@code BATON_HOME}), kills the demo role's host
 * with {@code kill -9}, gets the answer from another server through the same gateway port, sees the move's timeline
 * with {@code ./baton audit failovers}, stops the run with SIGTERM and checks that no process is left.
 *
 * <p>{@code BATON_BUILD=never}: this test runs inside a Maven build, which has just packaged every jar; a nested
 * {@code mvn package} would rewrite the jars under the running build.
 */
class LocalRunIT {
    private static final int OFFSET = 1000;
    private static final Ports PORTS = Ports.withOffset(OFFSET);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path root;
    private Path home;

    @Test
    void shouldServeFromAFreshStateFailOverThroughTheSameGatewayPortAndLeaveNothingWhenStopped() throws Exception {
        root = Path.of(System.getProperty("baton.root", "..")).toRealPath();
        home = tmp.resolve("baton-home");
        Path postgresCache = tmp.resolve("postgres-cache");
        Path output = tmp.resolve("baton-up.out");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("baton").toString(), "up")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
        builder.environment().put("BATON_HOME", home.toString());
        builder.environment().put("BATON_PORT_OFFSET", "+" + OFFSET);
        builder.environment().put("BATON_BUILD", "never");
        builder.environment().put("BATON_POSTGRES_CACHE", postgresCache.toString());
        long started = System.nanoTime();
        Process up = builder.start();
        Map<String, Long> pids = new LinkedHashMap<>();
        try {
            Await.until("./baton up to print its ready line", Duration.ofMinutes(5), () -> {
                String text = Files.readString(output, StandardCharsets.UTF_8);
                if (!up.isAlive()) {
                    throw new IllegalStateException("./baton up exited with " + up.exitValue() + ":\n" + text);
                }
                return text.contains(LocalRun.READY_LINE);
            });
            System.out.printf("local run ready after %.1f s%n", (System.nanoTime() - started) / 1e9);
            pids.putAll(recordedPids());
            assertThat(pids).containsKeys("launcher", "kafka", "postgres", "placement-1", "placement-2", "audit",
                    "gateway", "server-a", "server-b", "server-c");
            String banner = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(banner).doesNotContain("ERROR").contains("kill -9 $(cat ").contains("kcat -b 127.0.0.1:"
                    + PORTS.kafka()).contains("psql postgresql://postgres:postgres@127.0.0.1:" + PORTS.postgres())
                    .contains("roles list");
            assertThat(Files.readString(home.resolve("logs").resolve("postgres.log"), StandardCharsets.UTF_8))
                    .as("the run's PostgreSQL unpacked the binaries into the empty cache itself")
                    .contains("Unpacking the PostgreSQL binaries").doesNotContain("OutOfMemoryError");

            // The host that answers through the gateway is the one the placement reports (a load-induced move in
            // between, which the roles' epochs would show, is waited out rather than mistaken for this test's kill).
            JsonNode placed = Await.until("the answering server and the reported host to agree", Duration.ofSeconds(
                    30), () -> {
                        String answering = answeringServer("hello");
                        JsonNode role = JSON.readTree(baton("--json", "roles", "show", LocalRun.DEMO_ROLE));
                        return role.path("hostingServer").asText("").equals(answering) ? role : null;
                    }, role -> role != null);
            String host = placed.path("hostingServer").asText();
            long epoch = placed.path("epoch").asLong();
            assertThat(LocalRun.SERVERS).contains(host);
            assertThat(baton("roles", "list")).contains(LocalRun.DEMO_ROLE).contains(host);

            kill9(pids.get(host));
            String newHost = Await.until("an answer from another server through 127.0.0.1:" + PORTS.demoRoute(),
                    Duration.ofSeconds(60), () -> answeringServerOrNull("again"), server -> server != null
                            && !server.equals(host));
            assertThat(LocalRun.SERVERS).contains(newHost);

            JsonNode failover = Await.until("the audit trail to show the failover of " + LocalRun.DEMO_ROLE
                    + " from " + host, Duration.ofSeconds(30), () -> failoverRow(host, epoch), row -> row != null
                            && row.path("runningAt").isTextual());
            assertThat(failover.path("to").asText()).isEqualTo(newHost);
            // The timeline: the server declared DOWN, the move decided, the role RUNNING on its new host.
            assertThat(failover.path("serverDownDetectedAt").isTextual()).as("%s", failover).isTrue();
            assertThat(failover.path("decidedAt").isTextual()).as("%s", failover).isTrue();
            assertThat(failover.path("decideToRunningMs").isNumber()).as("%s", failover).isTrue();
        } finally {
            stop(up, output);
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(text).contains("Local run stopped");
        Await.untilAsserted("no process of the run left", Duration.ofSeconds(15), () -> {
            for (Map.Entry<String, Long> recorded : pids.entrySet()) {
                assertThat(ProcessHandle.of(recorded.getValue()).map(ProcessHandle::isAlive).orElse(false))
                        .as("%s (pid %d) still alive", recorded.getKey(), recorded.getValue()).isFalse();
            }
            assertThat(processesMentioning(home.toString())).as("processes whose command line names %s", home)
                    .isEmpty();
        });
        System.out.printf("whole test %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    private Map<String, Long> recordedPids() throws IOException {
        Map<String, Long> pids = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(home.resolve("pids"))) {
            for (Path file : files.toList()) {
                pids.put(file.getFileName().toString(),
                        Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()));
            }
        }
        return pids;
    }

    /** The server that answers {@code line} through the gateway's demo port (the sample plugin's prefix). */
    private static String answeringServer(String line) {
        String answer = LineClient.ask("127.0.0.1", PORTS.demoRoute(), line);
        assertThat(answer).endsWith(" " + line);
        return answer.substring(0, answer.length() - line.length() - 1);
    }

    private static String answeringServerOrNull(String line) {
        try {
            return answeringServer(line);
        } catch (RuntimeException | AssertionError e) {
            return null; // closed or no answer yet while the role moves: ask again
        }
    }

    /**
     * The row of {@code ./baton audit failovers --role} (JSON) of a FAILOVER away from {@code host} after
     * {@code epoch}, or null.
     */
    private JsonNode failoverRow(String host, long epoch) throws Exception {
        JsonNode page = JSON.readTree(baton("--json", "audit", "failovers", "--role", LocalRun.DEMO_ROLE));
        for (JsonNode row : page.path("failovers")) {
            if ("FAILOVER".equals(row.path("reason").asText()) && host.equals(row.path("from").asText())
                    && row.path("epoch").asLong() > epoch) {
                return row;
            }
        }
        return null;
    }

    /**
     * Runs {@code ./baton <args>} (the CLI through the one entry point) as a person would, with nothing exported but
     * the run's {@code BATON_HOME}; answers its standard output, failing on a non-zero exit.
     */
    private String baton(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("baton").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "cli-", ".out");
        Path err = Files.createTempFile(tmp, "cli-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
        builder.environment().put("BATON_HOME", home.toString());
        builder.environment().put("BATON_BUILD", "never");
        Process cli = builder.start();
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("baton %s finished", String.join(" ", args)).isTrue();
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(cli.exitValue()).as("baton %s: %s%s", String.join(" ", args), stdout,
                Files.readString(err, StandardCharsets.UTF_8)).isZero();
        return stdout;
    }

    /** {@code kill -9 <pid>}, as the banner tells a person to. */
    private static void kill9(long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -9 %d", pid).isZero();
    }

    /** SIGTERM to ./baton (the launcher: the script execs it), as Ctrl-C or a service manager would stop it. */
    private static void stop(Process up, Path output) throws Exception {
        if (!up.isAlive()) {
            return;
        }
        up.destroy();
        if (!up.waitFor(3, TimeUnit.MINUTES)) {
            up.destroyForcibly();
            throw new AssertionError("./baton up did not stop within 3 minutes after SIGTERM:\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
    }

    private static List<Long> processesMentioning(String text) {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.isAlive())
                .filter(p -> p.info().commandLine().map(line -> line.contains(text)).orElse(false))
                .map(ProcessHandle::pid)
                .toList();
    }
}
