package dev.baton.launcher;

import dev.baton.runtime.process.Watchdog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One process of the local run, tied to the launcher so that it never outlives it.
 *
 * <p>The command runs as {@code setsid /bin/sh -c <Watchdog script> baton-<name> <grace> <command...>} (runtime {@code Watchdog}) (the pattern of the
 * heartbeat-agent's command plugins):
 * <ul>
 *   <li>{@code setsid}: a session and process group of its own, so a Ctrl-C at the launcher's terminal reaches only the
 *       launcher, which then stops the processes in order (agents first); and the group can be killed as one;</li>
 *   <li>a watcher subshell that ignores SIGTERM and reads the launcher's pipe on its standard input. Only the launcher
 *       holds the write end; the kernel closes it when the launcher dies in any way ({@code kill -9} included). At
 *       end-of-file the watcher sends SIGTERM to the group, waits the grace and sends SIGKILL to the group;</li>
 *   <li>the shell then {@code exec}s the command, so the pid the launcher records is the service's own (what
 *       {@code kill -9 $(cat .baton/pids/server-a)} must hit).</li>
 * </ul>
 */
final class Child {

    private final String name;
    private final Process process;
    private final OutputStream lifeline;
    private final Path log;
    private final Path pidFile;
    private final long logStart;
    private final long startedNanos;
    private volatile boolean stopping;

    private Child(String name, Process process, Path log, Path pidFile, long logStart, long startedNanos) {
        this.name = name;
        this.process = process;
        this.lifeline = process.getOutputStream();
        this.log = log;
        this.pidFile = pidFile;
        this.logStart = logStart;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts {@code command} with {@code environment} added to the launcher's environment without its {@code BATON_*}
     * variables, output appended to {@code log}, and its pid written to {@code pidFile}.
     *
     * @param onUnexpectedExit told when the process ends without the launcher having asked it to
     */
    static Child start(String name, List<String> command, Map<String, String> environment, Path workDir, Path log,
            Path pidFile, Duration watchdogGrace, Consumer<Child> onUnexpectedExit) throws IOException {
        List<String> argv = Watchdog.argv("baton-" + name, watchdogGrace, command,
                "the local run needs it to tie its processes to the launcher");
        Files.createDirectories(log.getParent());
        Files.createDirectories(workDir);
        Files.writeString(log, "=== " + Instant.now() + " starting " + name + ": " + String.join(" ", command)
                        + " ===\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        // The launcher's own BATON_* variables (BATON_HOME, BATON_PORT_OFFSET, a developer's BATON_API_TOKEN ...) are
        // not the services' configuration: each gets exactly the keys it is given.
        builder.environment().keySet().removeIf(key -> key.startsWith("BATON_"));
        builder.environment().putAll(environment);
        long logStart = Files.size(log);
        long startedNanos = System.nanoTime();
        Process process = builder.start();
        Child child = new Child(name, process, log, pidFile, logStart, startedNanos);
        Files.createDirectories(pidFile.getParent());
        Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.UTF_8);
        process.onExit().thenRun(() -> {
            if (!child.stopping) {
                onUnexpectedExit.accept(child);
            }
        });
        return child;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** Where this run's output starts in the log (earlier runs' output is above it). */
    long logStart() {
        return logStart;
    }

    /** Seconds since the start, one decimal, for log lines. */
    String secondsSinceStart() {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startedNanos) / 1e9);
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The exit code; only once the process has ended. */
    int exitCode() {
        return process.exitValue();
    }

    /** How the process ended, for a person: {@code exit code 1}, {@code killed by signal 9}. */
    String exitDescription() {
        int code = process.exitValue();
        return code > 128 && code < 160 ? "killed by signal " + (code - 128) : "exit code " + code;
    }

    /** Asks the process to stop (SIGTERM: a heartbeat-agent leaves as planned, the others shut down cleanly). */
    void terminate() {
        stopping = true;
        if (process.isAlive()) {
            process.destroy();
        }
    }

    void awaitExit(Duration timeout) throws InterruptedException, TimeoutException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(name + " did not stop within " + timeout.toSeconds() + " s");
        }
    }

    /**
     * Ends everything left of this child: closes its lifeline (its watcher's cue) and SIGKILLs every remaining member
     * of its process group (the watcher, and the service itself when it did not stop). The group id is the service's
     * pid; Linux does not reuse a pid while a group of that id has members, so this hits nothing else.
     */
    void release() {
        stopping = true;
        try {
            lifeline.close();
        } catch (IOException e) {
            // already closed: the watcher has its end-of-file
        }
        List<Long> members = Procs.groupMembers(pid());
        members.forEach(member -> ProcessHandle.of(member).ifPresent(ProcessHandle::destroyForcibly));
        if (process.isAlive()) {
            process.destroyForcibly();
            members.add(pid());
        }
        // A killed process that is not the launcher's child is reaped by init: judge by /proc, not by onExit().
        Procs.awaitGone(members, Duration.ofSeconds(5));
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // a stale pid file is swept at the next start
        }
    }

    /** The last {@code lines} lines of the child's log, for an error message. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
