package dev.baton.placement.it;

import dev.baton.testkit.FreePorts;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A placement-service instance as a separate OS process ({@code java -jar target/placement-service.jar}), so a
 * test can kill it with SIGKILL or freeze it with SIGSTOP like an operator's machine would.
 */
final class PlacementProcess implements AutoCloseable {
    private static final Path JAR = Path.of("target", "placement-service.jar");

    private final String instanceId;
    private final int httpPort;
    private final Path log;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PlacementProcess(String instanceId, int httpPort, Path log, Process process) {
        this.instanceId = instanceId;
        this.httpPort = httpPort;
        this.log = log;
        this.process = process;
    }

    static PlacementProcess start(TestKafka kafka, TestDatabase database, String instanceId, Map<String, String> extra) {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the ITs with 'mvn verify'");
        }
        int port = FreePorts.next();
        Path log = Path.of("target", "it-logs", instanceId + "-" + System.nanoTime() + ".log");
        try {
            Files.createDirectories(log.getParent());
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-jar", JAR.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("BATON_INSTANCE_ID", instanceId);
            env.put("BATON_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("BATON_KAFKA_TOPIC_NAMESPACE", kafka.namespace());
            env.put("BATON_DB_URL", database.jdbcUrl());
            env.put("BATON_DB_USER", database.username());
            env.put("BATON_DB_PASSWORD", database.password());
            env.put("BATON_HTTP_PORT", Integer.toString(port));
            env.put("BATON_HTTP_HOST", "127.0.0.1");
            env.put("BATON_API_TOKEN", PlacementFixture.TOKEN);
            env.put("BATON_CONTROL_PLANE_FAILOVER", "true");
            extra.forEach((key, value) -> env.put(dev.baton.runtime.config.Config.envName(key), value));
            return new PlacementProcess(instanceId, port, log, builder.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + instanceId, e);
        }
    }

    String instanceId() {
        return instanceId;
    }

    int httpPort() {
        return httpPort;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The body of /health/ready, or "" while the instance does not answer. */
    String readiness() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    boolean leads() {
        return readiness().contains("\"leader\":true");
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitFor() {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            signal("CONT");
            process.destroyForcibly();
            waitFor();
        }
    }
}
