package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process that is not a Baton service (haproxy, iperf3, the echo server), its output in a log file of the run;
 * {@link #close()} kills it and whatever it started.
 */
final class ToolProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ToolProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ToolProcess start(String name, List<String> command, Path logDir) {
        try {
            Path log = Files.createDirectories(logDir).resolve(name + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new ToolProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + String.join(" ", command) + ")", e);
        }
    }

    /** Fails with a clear message when {@code executable} is not on the PATH. */
    static void require(String executable, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
                return;
            }
        }
        throw new IllegalStateException(executable + " is not installed: this benchmark needs it (Debian: apt-get install "
                + debianPackage + ")");
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path logFile() {
        return log;
    }

    /**
     * Waits until a socket listens on {@code port}, as {@code /proc/net/tcp} shows it: without connecting, since a
     * probe connection through a proxy would reach the backend (iperf3 takes any connection for a test).
     */
    ToolProcess awaitListening(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (listening(port)) {
                return this;
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException(name + " not listening on " + port + " within " + timeout.toSeconds()
                + " s; see " + log);
    }

    /** Whether a TCP socket of this machine listens on {@code port} (state 0A in /proc/net/tcp or tcp6). */
    static boolean listening(int port) {
        String local = String.format(":%04X", port);
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(file))) {
                    String[] fields = line.strip().split("\\s+");
                    if (fields.length > 3 && fields[1].endsWith(local) && fields[3].equals("0A")) {
                        return true;
                    }
                }
            } catch (IOException e) {
                // no IPv6, say
            }
        }
        return false;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
