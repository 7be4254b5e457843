package dev.baton.bench;

import dev.baton.runtime.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Baton service as its own OS process ({@code java <jvm options> -jar <module>.jar}), configured through
 * {@code BATON_*} variables, its output in a log file of the run. {@link #close()} kills it and every descendant it
 * was seen with (command plugins orphaned by a {@code kill -9} included).
 */
public final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final Set<Long> seenDescendants = ConcurrentHashMap.newKeySet();

    private ServiceProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code jar} with {@code jvmOptions} and {@code config} (keys as in the service's README, passed as
     * {@code BATON_*} variables); the log is {@code logDir/<name>.log}.
     */
    public static ServiceProcess start(String name, Path jar, List<String> jvmOptions, Map<String, String> config,
            Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(Repository.java());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        try {
            Path log = Files.createDirectories(logDir).resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(key -> key.startsWith(Config.ENV_PREFIX));
            config.forEach((key, value) -> builder.environment().put(Config.envName(key), value));
            return new ServiceProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path logFile() {
        return log;
    }

    /** Waits until {@code GET http://127.0.0.1:<port>/health/ready} answers 200; fails when the process exits. */
    public ServiceProcess awaitReady(int httpPort, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException(name + " not ready within " + timeout.toSeconds() + " s; see " + log);
    }

    /** {@code kill -9}; returns once the process is gone. */
    public void kill9() {
        rememberDescendants();
        signal("KILL");
        if (!awaitExit(Duration.ofSeconds(10))) {
            throw new IllegalStateException(name + " survived kill -9");
        }
    }

    /** SIGTERM; returns at once. */
    public void terminate() {
        rememberDescendants();
        signal("TERM");
    }

    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** CPU time and resident memory of the process now, from /proc. */
    public ProcStats.Sample sample() {
        return ProcStats.sample(pid());
    }

    private void rememberDescendants() {
        process.descendants().map(ProcessHandle::pid).forEach(seenDescendants::add);
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        rememberDescendants();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
        for (long pid : seenDescendants) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
