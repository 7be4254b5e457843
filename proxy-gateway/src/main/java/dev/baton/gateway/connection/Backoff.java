package dev.baton.gateway.connection;

import java.time.Duration;

/**
 * Exponential back-off between connect attempts: {@code initial}, doubling after every failure, capped at
 * {@code max}. No jitter: the gateway is the only client of the new host's role port that retries, so there is no
 * herd to spread, and a fixed schedule keeps reconnect times predictable.
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial back-off must be positive, was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max back-off " + max + " is below the initial " + initial);
        }
    }

    /** The wait after the {@code failures}-th consecutive failure (1 for the first), in milliseconds. */
    public long delayMillis(int failures) {
        if (failures < 1) {
            return 0;
        }
        long delay = initial.toMillis();
        long cap = max.toMillis();
        for (int i = 1; i < failures && delay < cap; i++) {
            delay *= 2;
        }
        return Math.min(delay, cap);
    }
}
