package dev.baton.placement.policy;

import java.time.Duration;
import java.util.List;

/** Wording shared by the causes the policy writes. */
final class Text {
    private Text() {
    }

    /** "850 ms", "30 s", "10 min". */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 10_000 && millis % 1000 != 0) {
            return millis + " ms";
        }
        long seconds = duration.toSeconds();
        if (seconds >= 60 && seconds % 60 == 0) {
            return seconds / 60 + " min";
        }
        return seconds + " s";
    }

    /** "; skipped: a is DOWN, b is in maintenance", or "" when nothing was skipped. */
    static String skipped(List<String> skipped) {
        return skipped.isEmpty() ? "" : "; skipped: " + String.join(", ", skipped);
    }

    /** "; no other eligible server: a is DOWN" or "; no other server in the role's list". */
    static String noneEligible(List<String> skipped, boolean other) {
        if (skipped.isEmpty()) {
            return other ? "; no other server in the role's list" : "; the role lists no servers";
        }
        return (other ? "; no other eligible server: " : "; no eligible server: ") + String.join(", ", skipped);
    }
}
