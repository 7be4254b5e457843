package dev.baton.runtime.process;

import java.io.IOException;
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

    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

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
        Path setsid = SETSID.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IOException("setsid (util-linux) not found in " + SETSID + ": " + purpose));
        List<String> argv = new ArrayList<>(List.of(setsid.toString(), "/bin/sh", "-c", SCRIPT, label,
                String.format(Locale.ROOT, "%.3f", grace.toMillis() / 1000.0)));
        argv.addAll(command);
        return argv;
    }
}
