package dev.baton.agent.plugin;

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
import java.util.Map;
import java.util.Optional;

/**
 * A plugin that is an executable: started as a child process in a session of its own, with its output appended to
 * a log file per role, and tied to the agent by a watchdog so that it never outlives it.
 *
 * <h2>The watchdog</h2>
 * The command is not started directly but through {@code setsid /bin/sh -c <script>} (runtime {@code Watchdog}), which
 * <ol>
 *   <li>runs in a new session and process group ({@code setsid}), so the plugin and everything it starts can be
 *       signalled as one group, and a Ctrl-C at the agent's terminal does not reach it (a planned leave needs the
 *       plugin to keep serving while the agent hands over);</li>
 *   <li>forks a small watcher subshell that ignores SIGTERM and reads the agent's pipe on its standard input until
 *       end-of-file. The agent holds the only write end of that pipe; it is closed when the agent closes it on
 *       purpose (a stop) and by the kernel when the agent dies in any way, {@code kill -9} included. At EOF the
 *       watcher sends SIGTERM to the whole group, waits the stop grace, and sends SIGKILL to the group, itself
 *       included;</li>
 *   <li>{@code exec}s the command with standard input from {@code /dev/null}, so the plugin keeps the pid the agent
 *       started (its exit code is the plugin's own).</li>
 * </ol>
 * A stop by the agent is therefore the same path as the agent's death: close the pipe.
 *
 * <p>An agent that is alive but frozen (SIGSTOP, a GC pause, a starved CPU) closes nothing, while the placement
 * moves its roles once its heartbeats stop. With a {@link Deadline}, the watcher also ends the group when the agent
 * stops {@linkplain #renew renewing} (runtime {@code Watchdog}'s dead-man deadline): the agent renews with what is
 * left of its lease, so a frozen agent's plugin ends when its lease would have run out, with the short fence grace,
 * before the placement may start the role elsewhere. The agent additionally
 * sends SIGKILL to the plugin and its descendants itself if they outlive the grace it allowed (a fenced agent
 * allows much less than the watchdog's grace). Signalling the group ({@code kill 0}) cannot hit an unrelated
 * process: the watcher is a member of the group for as long as it runs, so its id cannot be reused meanwhile.
 * Environment variables of the agent's own ({@code BATON_*}) are not passed on: they may hold its secrets.
 */
public final class CommandPlugin implements PluginInstance {

    private final String roleId;
    private final List<String> command;
    private final Map<String, String> environment;
    private final int port;
    private final Path workDir;
    private final Path logFile;
    private final Duration grace;
    private final Deadline deadline;
    private Process process;
    private OutputStream lifeline;
    /** Guards the renewal hand-over to the renewer thread and the pipe's closing. */
    private final Object renewals = new Object();
    /** The latest deadline granted ({@link System#nanoTime()}), not yet written; 0 when none is pending. */
    private long pendingDeadline;
    private boolean closed;

    /**
     * The dead-man deadline: the plugin may run {@code first} before its first renewal, and is given {@code grace}
     * between SIGTERM and SIGKILL when a deadline passes.
     */
    public record Deadline(Duration first, Duration grace) {
    }

    /**
     * @param command the executable and its arguments, placeholders already replaced
     * @param environment added to the agent's environment (without its {@code BATON_*} variables)
     * @param port the port the command was told to listen on
     * @param grace the watchdog's wait between SIGTERM and SIGKILL
     * @param deadline the dead-man deadline, or null for none (the plugin then ends only with the agent or a stop)
     */
    public CommandPlugin(String roleId, List<String> command, Map<String, String> environment, int port,
            Path workDir, Path logFile, Duration grace, Deadline deadline) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("a command plugin needs a command");
        }
        this.roleId = roleId;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.port = port;
        this.workDir = workDir;
        this.logFile = logFile;
        this.grace = grace;
        this.deadline = deadline;
    }

    @Override
    public void launch() throws IOException {
        String label = "baton-watchdog-" + roleId;
        String purpose = "command plugins need it for their watchdog";
        List<String> argv = deadline == null ? Watchdog.argv(label, grace, command, purpose)
                : Watchdog.argvWithDeadline(label, grace, deadline.grace(), deadline.first(), command, purpose);
        Files.createDirectories(workDir);
        Files.writeString(logFile, "=== " + Instant.now() + " starting role " + roleId + ": " + command + " (port "
                        + port + ") ===\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
        lifeline = process.getOutputStream();
        if (deadline != null) {
            // Writes to the pipe happen on a thread of this plugin's own: a watcher that stopped reading (its group
            // stopped) blocks that thread only, never the agent's lease checks or another plugin's renewals.
            Thread renewer = new Thread(this::writeRenewals, "plugin-lease-" + roleId);
            renewer.setDaemon(true);
            renewer.start();
        }
    }

    @Override
    public int port() {
        return port;
    }

    /** The plugin's process id. */
    public long pid() {
        return process.pid();
    }

    @Override
    public Optional<String> ended() {
        if (process == null || process.isAlive()) {
            return Optional.empty();
        }
        return Optional.of(exit(process.exitValue()));
    }

    static String exit(int code) {
        // A process killed by signal N exits with 128 + N as seen through the shell's exec.
        return code > 128 && code < 160
                ? "exited with code " + code + " (signal " + (code - 128) + ")"
                : "exited with code " + code;
    }

    @Override
    public void onEnded(Runnable wake) {
        process.onExit().thenRun(wake);
    }

    @Override
    public void terminate() {
        closeLifeline();
    }

    @Override
    public void kill() {
        closeLifeline();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public void renew(Duration left) {
        if (deadline == null) {
            return;
        }
        synchronized (renewals) {
            // Kept as an absolute time: a renewal written late must not grant more than the lease left.
            pendingDeadline = System.nanoTime() + left.toNanos();
            renewals.notifyAll();
        }
    }

    private void writeRenewals() {
        while (true) {
            long until;
            synchronized (renewals) {
                while (pendingDeadline == 0 && !closed) {
                    try {
                        renewals.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                until = pendingDeadline;
                pendingDeadline = 0;
            }
            try {
                // Outside the lock: a stop never waits for a renewal. A write blocks only when the pipe's 64 KiB are
                // full, i.e. the watcher has not read for minutes (its group stopped by a signal).
                Watchdog.renew(lifeline, Duration.ofNanos(Math.max(0, until - System.nanoTime())));
            } catch (IOException e) {
                // The watcher is gone, so is the group: the host notices the plugin's end on its own.
                return;
            }
        }
    }

    /** Closing the pipe is the stop signal: the watcher sends SIGTERM to the group, then SIGKILL after the grace. */
    private void closeLifeline() {
        synchronized (renewals) {
            closed = true;
            renewals.notifyAll();
        }
        OutputStream out = lifeline;
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // The watcher is gone already (the process group ended): nothing left to signal.
            }
        }
    }

    /** Releases the pipe after the plugin ended on its own, so its watcher cleans up what the plugin left behind. */
    @Override
    public void release() {
        closeLifeline();
    }

    @Override
    public String describe() {
        return process == null ? "not started, log " + logFile : "pid " + process.pid() + ", log " + logFile;
    }
}
