package dev.baton.systemtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A heartbeat-agent as its own OS process ({@code java -jar heartbeat-agent.jar}, configured by environment), so a
 * test can {@code kill -9} it or send it SIGTERM like an operator. {@link #close()} leaves nothing behind: the agent,
 * and every descendant the test has seen, plugins orphaned by a {@code kill -9} included.
 */
final class AgentProcess implements AutoCloseable {
    private final String serverId;
    private final Process process;
    private final Path log;
    private final Set<Long> seenDescendants = ConcurrentHashMap.newKeySet();

    AgentProcess(String serverId, Process process, Path log) {
        this.serverId = serverId;
        this.process = process;
        this.log = log;
    }

    String serverId() {
        return serverId;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The pids of the agent's descendants now (its command plugins), remembered for {@link #close()}. */
    List<Long> descendants() {
        List<Long> pids = process.descendants().map(ProcessHandle::pid).toList();
        seenDescendants.addAll(pids);
        return pids;
    }

    /** {@code kill -9}: no goodbye, no last heartbeat, no STOPPED. Returns once the process is gone. */
    void kill9() {
        descendants();
        OsProcesses.signal(pid(), "KILL");
        if (!awaitExit(Duration.ofSeconds(10))) {
            throw new IllegalStateException("agent " + serverId + " survived kill -9");
        }
    }

    /** SIGTERM: the agent's planned leave. Returns at once. */
    void terminate() {
        descendants();
        OsProcesses.signal(pid(), "TERM");
    }

    /** SIGSTOP, then SIGCONT: a frozen agent (a long GC pause, a frozen VM); its plugins are not signalled. */
    void freeze() {
        descendants();
        OsProcesses.signal(pid(), "STOP");
    }

    void thaw() {
        OsProcesses.signal(pid(), "CONT");
    }

    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    Path logFile() {
        return log;
    }

    @Override
    public void close() {
        descendants();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
        for (long pid : seenDescendants) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
