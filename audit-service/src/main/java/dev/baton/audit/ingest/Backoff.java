package dev.baton.audit.ingest;

import java.time.Duration;

/**
 * Bounded exponential back-off: {@code initial}, twice that, four times... never more than {@code max}.
 * Time is the caller's: this only says how long to wait after the n-th consecutive failure.
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial back-off must be positive, was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("maximum back-off " + max + " is below the initial " + initial);
        }
    }

    /** The wait after {@code failures} consecutive failures (1 = the first). */
    public Duration delayAfter(int failures) {
        if (failures <= 1) {
            return initial;
        }
        // Shifting past 62 bits overflows; by then the cap applies anyway.
        int doublings = Math.min(failures - 1, 40);
        long millis = initial.toMillis() << doublings;
        if (millis <= 0 || millis > max.toMillis()) {
            return max;
        }
        return Duration.ofMillis(millis);
    }
}
