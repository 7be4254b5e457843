package dev.baton.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code redis-benchmark} as a real request/response client under load: {@code connections} connections,
 * one request in flight on each (or a pipeline of several, {@code -P}), {@code requests} SET then as many GET,
 * results as CSV. It stops at the first
 * connection error ({@code Error: Server closed the connection}, exit code 1), so "it finished, and how" is the
 * question a test asks across a failover.
 */
public final class RedisBenchmark implements AutoCloseable {
    private final Process process;
    private final Path output;

    /** What a finished run came to. */
    public record Result(int exitCode, String output) {
        /** Whether the run completed both tests without a connection error. */
        public boolean clean() {
            return exitCode == 0 && !output.contains("Error") && output.contains("\"SET\",")
                    && output.contains("\"GET\",");
        }

        /** The CSV lines (test, rps, avg, min, p50, p95, p99, max latency in ms) and any error, on one line. */
        public String summary() {
            return String.join(" | ", output.strip().split("\n"));
        }
    }

    private RedisBenchmark(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Whether {@code command} is on the PATH, e.g. to skip a test where Debian's redis-tools are missing. */
    public static boolean installed(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Starts the benchmark against {@code 127.0.0.1:port}; its output goes to {@code output}. */
    public static RedisBenchmark start(int port, int connections, int requests, Path output) {
        return start(port, connections, requests, 1, output);
    }

    /**
     * Starts the benchmark against {@code 127.0.0.1:port} with {@code pipeline} requests sent on each connection
     * before it waits for their answers ({@code -P}); its output goes to {@code output}.
     */
    public static RedisBenchmark start(int port, int connections, int requests, int pipeline, Path output) {
        try {
            Files.createDirectories(output.toAbsolutePath().getParent());
            Process process = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", String.valueOf(port),
                    "-c", String.valueOf(connections), "-n", String.valueOf(requests), "-P", String.valueOf(pipeline),
                    "-t", "set,get", "--csv")
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            return new RedisBenchmark(process, output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-benchmark (apt-get install redis-tools)", e);
        }
    }

    /**
     * Waits for the run to end; fails with its output so far when it is still running after {@code hang}: a client
     * that does not finish within a bound far above its run time is hung.
     */
    public Result awaitExit(Duration hang) {
        try {
            if (!process.waitFor(hang.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("redis-benchmark still running after " + hang + " (hung); its output: "
                        + read());
            }
            return new Result(process.exitValue(), read());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-benchmark", e);
        }
    }

    private String read() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
