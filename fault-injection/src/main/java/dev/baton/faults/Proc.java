package dev.baton.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * One OS process of a run (a service, an agent, the broker, PostgreSQL's starter), started from a command line and an
 * environment, its output appended to {@code <logDir>/<name>.log}. It can be killed ({@code SIGKILL}), paused
 * ({@code SIGSTOP}) and resumed ({@code SIGCONT}); {@link #close()} kills it and every descendant it was seen with.
 */
final class Proc implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final Set<Long> seenDescendants = ConcurrentHashMap.newKeySet();

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static Proc start(String name, List<String> command, Map<String, String> env, Path logDir) {
        try {
            Path log = Files.createDirectories(logDir).resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(key -> key.startsWith("BATON_"));
            builder.environment().putAll(env);
            return new Proc(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** {@code SIGKILL} and wait until the process is gone. */
    void kill9() {
        remember();
        process.destroyForcibly();
        if (!awaitExit(Duration.ofSeconds(10))) {
            throw new IllegalStateException(name + " survived SIGKILL");
        }
    }

    /** {@code SIGSTOP} of this process alone (its children, e.g. command plugins, keep running). */
    void pause() {
        Signals.send("STOP", List.of(pid()));
    }

    void resume() {
        Signals.send("CONT", List.of(pid()));
    }

    /** This process and its descendants, for a pause of everything it runs. */
    List<Long> tree() {
        List<Long> pids = new ArrayList<>();
        pids.add(pid());
        process.descendants().map(ProcessHandle::pid).forEach(pids::add);
        return pids;
    }

    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the log holds {@code text} (how the broker's and PostgreSQL's starters say they are ready). */
    boolean logContains(String text) {
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private void remember() {
        process.descendants().map(ProcessHandle::pid).forEach(seenDescendants::add);
    }

    @Override
    public void close() {
        remember();
        Signals.send("CONT", List.of(pid()));
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
        for (long pid : seenDescendants) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
