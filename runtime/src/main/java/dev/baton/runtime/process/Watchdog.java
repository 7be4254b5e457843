package dev.baton.runtime.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Starts a child process so that it cannot outlive its parent, whatever way the parent ends ({@code kill -9}
 * included): the command runs as {@code setsid /bin/sh -c SCRIPT <label> <grace> <command...>}, which
 * <ol>
 *   <li>runs in a new session and process group ({@code setsid}), so the child and everything it starts can be
 *       signalled as one, and a Ctrl-C at the parent's terminal reaches only the parent;</li>
 *   <li>forks a watcher subshell that ignores SIGTERM and reads the parent's pipe on its standard input. Only the
 *       parent holds the write end, and the kernel closes it when the parent dies. At end-of-file the watcher sends
 *       SIGTERM to the whole group, waits the grace, and sends SIGKILL to the group, itself included;</li>
 *   <li>{@code exec}s the command with standard input from {@code /dev/null}, so the child keeps the pid the parent
 *       started and its own exit code.</li>
 * </ol>
 * A stop by the parent is therefore the same path as the parent's death: close the pipe. The caller must start the
 * process with {@code ProcessBuilder.Redirect.PIPE} for standard input and keep that stream open while the child
 * should live. Signalling the group ({@code kill 0}) cannot hit an unrelated process: the watcher is a member of
 * the group for as long as it runs, so its id cannot be reused meanwhile.
 *
 * <h2>Dead-man deadline</h2>
 * A parent that is alive but frozen (SIGSTOP, a long GC pause, a starved CPU, a hung disk) keeps its pipe open, so
 * end-of-file never comes. {@link #argvWithDeadline} adds a deadline: the parent writes a {@linkplain #renew
 * renewal} (the seconds the child may still run) as often as it likes, and when no renewal arrives before the
 * current one runs out the watcher sends SIGTERM to the group, waits the shorter {@code deadlineGrace}, and sends
 * SIGKILL. The heartbeat-agent renews with what is left of its lease, so a frozen agent's plugins end when its
 * lease would have run out, before the placement may start them elsewhere. This watcher runs in {@code bash}
 * ({@code read -t} with fractions of a second); a plain watchdog needs only {@code /bin/sh}.
 */
public final class Watchdog {
    /** {@code $1}: the grace in seconds; the rest: the command. */
    static final String SCRIPT = String.join("\n",
            "grace=\"$1\"; shift",
            // A background job's standard input would be /dev/null: hand the parent's pipe over explicitly.
            "exec 3<&0",
            "(",
            "  trap '' TERM INT HUP",
            "  while read -r _; do :; done",
            "  kill -TERM 0 2>/dev/null",
            "  sleep \"$grace\"",
            "  kill -KILL 0 2>/dev/null",
            ") <&3 &",
            "exec \"$@\" </dev/null 3<&-");

    /** {@code $1}: the grace after end-of-file; {@code $2}: the grace after a missed deadline; {@code $3}: the first deadline in seconds; the rest: the command. */
    static final String DEADLINE_SCRIPT = String.join("\n",
            "grace=\"$1\"; fence=\"$2\"; left=\"$3\"; shift 3",
            "exec 3<&0",
            "(",
            "  trap '' TERM INT HUP",
            "  wait_for=\"$grace\"",
            "  while :; do",
            "    read -r -t \"$left\" next; status=$?",
            "    if [ $status -eq 0 ]; then left=\"$next\"; continue; fi",
            // Above 128: the deadline passed (a frozen parent); otherwise end-of-file (a stop or the parent's death).
            "    if [ $status -gt 128 ]; then wait_for=\"$fence\"; fi",
            "    break",
            "  done",
            "  kill -TERM 0 2>/dev/null",
            "  sleep \"$wait_for\"",
            "  kill -KILL 0 2>/dev/null",
            ") <&3 &",
            "exec \"$@\" </dev/null 3<&-");

    /** The shortest deadline written: {@code read -t 0} would only test for input instead of waiting. */
    private static final Duration SHORTEST_DEADLINE = Duration.ofMillis(1);

    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
    private static final List<Path> BASH = List.of(Path.of("/bin/bash"), Path.of("/usr/bin/bash"));

    private Watchdog() {
    }

    /**
     * The argument vector that runs {@code command} under the watchdog.
     *
     * @param label the watcher shell's name ({@code $0}), shown by {@code ps}
     * @param grace between SIGTERM and SIGKILL once the parent is gone
     * @param purpose what needs the watchdog, for the error when {@code setsid} is missing
     * @throws IOException when {@code setsid} (util-linux) is not installed
     */
    public static List<String> argv(String label, Duration grace, List<String> command, String purpose)
            throws IOException {
        List<String> argv = new ArrayList<>(List.of(setsid(purpose).toString(), "/bin/sh", "-c", SCRIPT, label,
                seconds(grace)));
        argv.addAll(command);
        return argv;
    }

    /**
     * The argument vector that runs {@code command} under a watchdog with a dead-man deadline: besides the parent's
     * death or stop (end-of-file, then {@code grace}), the group is ended when no {@link #renew renewal} arrives in
     * time (then {@code deadlineGrace} between SIGTERM and SIGKILL).
     *
     * @param firstDeadline how long the child may run before the first renewal
     * @throws IOException when {@code setsid} (util-linux) or {@code bash} is not installed
     */
    public static List<String> argvWithDeadline(String label, Duration grace, Duration deadlineGrace,
            Duration firstDeadline, List<String> command, String purpose) throws IOException {
        Path bash = BASH.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IOException("bash not found in " + BASH + ": " + purpose));
        List<String> argv = new ArrayList<>(List.of(setsid(purpose).toString(), bash.toString(), "-c",
                DEADLINE_SCRIPT, label, seconds(grace), seconds(deadlineGrace), seconds(atLeast(firstDeadline))));
        argv.addAll(command);
        return argv;
    }

    /**
     * Moves the deadline of a watchdog started by {@link #argvWithDeadline} to {@code left} from now. Throws when the
     * watcher is gone (the group ended).
     */
    public static void renew(OutputStream lifeline, Duration left) throws IOException {
        lifeline.write((seconds(atLeast(left)) + "\n").getBytes(StandardCharsets.US_ASCII));
        lifeline.flush();
    }

    private static Duration atLeast(Duration left) {
        return left.compareTo(SHORTEST_DEADLINE) < 0 ? SHORTEST_DEADLINE : left;
    }

    private static Path setsid(String purpose) throws IOException {
        return SETSID.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IOException("setsid (util-linux) not found in " + SETSID + ": " + purpose));
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
    }
}
