package dev.baton.launcher;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a part that died during start-up into one line a person can act on: which process, why (the most telling
 * line of its log), which log, and what to try. Pure: the log text is a parameter.
 */
final class StartupDiagnosis {
    /** A known cause: a pattern in the log, and what to try. */
    private record Known(Pattern pattern, String advice) {
    }

    private static final List<Known> KNOWN = List.of(
            new Known(Pattern.compile("OutOfMemoryError"),
                    "the process ran out of heap; check free memory (free -m) and start again"),
            new Known(Pattern.compile("No space left on device"),
                    "free disk space (df -h) where BATON_HOME and the PostgreSQL cache live, then start again"),
            new Known(Pattern.compile("Cannot unpack the PostgreSQL binaries"),
                    "free disk space, or point BATON_POSTGRES_CACHE at another folder, then start again"),
            new Known(Pattern.compile("Address already in use|BindException"),
                    "a port is taken: stop what holds it, or shift every port with BATON_PORT_OFFSET=1000"),
            new Known(Pattern.compile("lock held by another process|Failed to acquire lock|\\.lock"),
                    "another local run uses this BATON_HOME: ./baton down, or set another BATON_HOME"),
            new Known(Pattern.compile("data directory .* has invalid permissions|database files are incompatible"),
                    "PostgreSQL cannot use its data in BATON_HOME/postgres: move that folder away and start again "
                            + "(the run creates a new, empty database)"),
            new Known(Pattern.compile("InconsistentClusterIdException|Invalid cluster.id"),
                    "Kafka's data in BATON_HOME/kafka belongs to another cluster: move that folder away and start "
                            + "again"));

    /** What counts as the telling line of a log: an error, an exception, PostgreSQL's FATAL. */
    private static final Pattern TELLING = Pattern.compile("(?i)(error|exception|fatal|panic|killed)");

    private StartupDiagnosis() {
    }

    /**
     * @param name the process, e.g. {@code postgres}
     * @param exit how it ended, e.g. {@code exit code 1}
     * @param waitingFor what the run was waiting for when it died
     * @param logTail the last lines of its log
     * @param log where its whole log is
     */
    static String explain(String name, String exit, String waitingFor, String logTail, String log) {
        String cause = tellingLine(logTail);
        String advice = KNOWN.stream().filter(known -> known.pattern().matcher(logTail).find()).findFirst()
                .map(Known::advice).orElse("read the log, fix the cause and start again; ./baton down clears "
                        + "whatever is left");
        return name + " exited (" + exit + ") while waiting for " + waitingFor + ": "
                + (cause.isEmpty() ? "no error in its log" : cause) + " — log: " + log + " — try: " + advice;
    }

    /**
     * The last line of the tail that reads like an error, shortened; empty when none does. Stack frames are skipped,
     * and a {@code Caused by:} line only counts when no exception's own line does (that one says what failed).
     */
    static String tellingLine(String logTail) {
        List<String> lines = logTail.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        String telling = "";
        String cause = "";
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (!TELLING.matcher(line).find() || lower.startsWith("at ") || lower.startsWith("...")) {
                continue;
            }
            if (lower.startsWith("caused by:")) {
                cause = line;
            } else {
                telling = line;
            }
        }
        String chosen = telling.isEmpty() ? cause : telling;
        return chosen.length() > 300 ? chosen.substring(0, 297) + "..." : chosen;
    }
}
