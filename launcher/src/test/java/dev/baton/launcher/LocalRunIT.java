package dev.baton.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.testkit.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The local run exactly as the README starts it — {@code ./baton up} from the repository root — with its state in a
 * temporary {@code BATON_HOME} and every port shifted by 1000, so it does not clash with a developer's own run. It
 * creates a role with the CLI, kills the role's host with {@code kill -9}, sees the role move and the move's timeline
 * in the audit trail, stops the run with SIGTERM and checks that no process is left.
 *
 * <p>{@code BATON_BUILD=never}: this test runs inside a Maven build, which has just packaged every jar; a nested
 * {@code mvn package} would rewrite the jars under the running build.
 */
class LocalRunIT {
    private static final int OFFSET = 1000;
    private static final Ports PORTS = Ports.withOffset(OFFSET);
    private static final String ROLE = "it-role";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path root;
    private Path home;
    private String token;

    @Test
    void upCreateRoleKillItsHostSeeTheFailoverAndStopWithNothingLeft() throws Exception {
        root = Path.of(System.getProperty("baton.root", "..")).toRealPath();
        home = tmp.resolve("baton-home");
        Path output = tmp.resolve("baton-up.out");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("baton").toString(), "up")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
        builder.environment().put("BATON_HOME", home.toString());
        builder.environment().put("BATON_PORT_OFFSET", "+" + OFFSET);
        builder.environment().put("BATON_BUILD", "never");
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
            token = Files.readString(home.resolve("token"), StandardCharsets.UTF_8).strip();
            pids.putAll(recordedPids());
            assertThat(pids).containsKeys("launcher", "kafka", "postgres", "placement-1", "placement-2", "audit",
                    "gateway", "server-a", "server-b", "server-c");
            String banner = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(banner).doesNotContain("ERROR").contains("kill -9 $(cat ").contains("kcat -b 127.0.0.1:"
                    + PORTS.kafka()).contains("psql postgresql://postgres:postgres@127.0.0.1:" + PORTS.postgres());

            createRole();
            String host = Await.until(ROLE + " to be placed", Duration.ofSeconds(60), () -> role().path(
                    "hostingServer").asText(""), server -> !server.isEmpty());
            long epoch = role().path("epoch").asLong();

            kill9(pids.get(host));
            JsonNode moved = Await.until(ROLE + " to move away from " + host, Duration.ofSeconds(30), this::role,
                    r -> r.path("epoch").asLong() > epoch && !r.path("hostingServer").asText(host).equals(host));
            String newHost = moved.path("hostingServer").asText();
            assertThat(LocalRun.SERVERS).contains(newHost);

            JsonNode failover = Await.until("the audit trail to show the failover of " + ROLE + " from " + host,
                    Duration.ofSeconds(30), () -> failoverRow(host), row -> row != null
                            && row.path("runningAt").isTextual());
            assertThat(failover.path("to").asText()).isEqualTo(newHost);
            assertThat(failover.path("epoch").asLong()).isEqualTo(moved.path("epoch").asLong());
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

    private Path cliJar() {
        return root.resolve("cli").resolve("target").resolve("baton.jar");
    }

    /** {@code baton roles create} with the CLI; the placement API directly when the CLI jar is not built. */
    private void createRole() throws Exception {
        if (Files.isRegularFile(cliJar())) {
            System.out.println("using the CLI: " + cliJar());
            String out = cli("roles", "create", ROLE, "--servers", String.join(",", LocalRun.SERVERS));
            assertThat(out).contains(ROLE);
        } else {
            // TODO(cli): the CLI jar is built before this module (launcher depends on cli for build order); this
            //  branch only serves a build of this module alone. Remove it once the CLI is part of every build.
            System.out.println("no CLI jar at " + cliJar() + ": using the APIs directly");
            String body = JSON.writeValueAsString(Map.of("roleId", ROLE, "servers", LocalRun.SERVERS));
            HttpResponse<String> created = http(HttpRequest.newBuilder(placementUri("/roles"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }
    }

    /** {@code baton roles show} (JSON). */
    private JsonNode role() throws Exception {
        if (Files.isRegularFile(cliJar())) {
            return JSON.readTree(cli("--json", "roles", "show", ROLE));
        }
        // TODO(cli): see createRole.
        return JSON.readTree(http(HttpRequest.newBuilder(placementUri("/roles/" + ROLE)).GET()).body());
    }

    /** The row of {@code baton audit failovers --role} (JSON) of a FAILOVER away from {@code host}, or null. */
    private JsonNode failoverRow(String host) throws Exception {
        JsonNode page;
        if (Files.isRegularFile(cliJar())) {
            page = JSON.readTree(cli("--json", "audit", "failovers", "--role", ROLE));
        } else {
            // TODO(cli): see createRole.
            page = JSON.readTree(http(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORTS.audit()
                    + "/api/v1/failovers?role=" + ROLE)).GET()).body());
        }
        for (JsonNode row : page.path("failovers")) {
            if ("FAILOVER".equals(row.path("reason").asText()) && host.equals(row.path("from").asText())) {
                return row;
            }
        }
        return null;
    }

    /** Runs the CLI jar as a process, as a person would; answers its standard output, failing on a non-zero exit. */
    private String cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", cliJar().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "cli-", ".out");
        Path err = Files.createTempFile(tmp, "cli-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
        builder.environment().put("BATON_API_TOKEN", token);
        builder.environment().put("BATON_API_URL", "http://127.0.0.1:" + PORTS.placement1());
        builder.environment().put("BATON_AUDIT_URL", "http://127.0.0.1:" + PORTS.audit());
        builder.environment().put("BATON_KAFKA_BOOTSTRAP_SERVERS", PORTS.kafkaBootstrap());
        Process cli = builder.start();
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("baton %s finished", String.join(" ", args)).isTrue();
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(cli.exitValue()).as("baton %s: %s%s", String.join(" ", args), stdout,
                Files.readString(err, StandardCharsets.UTF_8)).isZero();
        return stdout;
    }

    private URI placementUri(String path) {
        return URI.create("http://127.0.0.1:" + PORTS.placement1() + "/api/v1" + path);
    }

    private HttpResponse<String> http(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
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

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
