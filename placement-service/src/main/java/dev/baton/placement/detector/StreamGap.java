package dev.baton.placement.detector;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An interval of broker time in which nothing at all was appended to the heartbeat stream: the broker was paused,
 * restarting or unreachable for every writer. Servers' silence inside it is not held against them.
 *
 * @param from the timestamp of the last record before the gap
 * @param to the timestamp of the first record after it
 */
public record StreamGap(Instant from, Instant to) {
    public StreamGap {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }

    public Duration length() {
        return Duration.between(from, to);
    }
}
