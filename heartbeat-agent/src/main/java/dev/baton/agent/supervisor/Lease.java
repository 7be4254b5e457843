package dev.baton.agent.supervisor;

import java.time.Duration;

/**
 * The agent's right to run roles: held while a heartbeat sent less than {@code length} ago has been acknowledged by
 * Kafka. Time is in monotonic nanoseconds (as {@link System#nanoTime()} counts them), passed in.
 *
 * <p>The lease is measured from the <em>send</em> time of the last acknowledged heartbeat, not from the ack: the
 * placement judges silence from that heartbeat's append time, which is never earlier than its send time, so an
 * agent that honours its lease always stops before the placement's failure timeout runs out. It starts not held:
 * nothing runs before the first acknowledged heartbeat. Thread-safe: acknowledgements arrive on the producer's I/O
 * thread and checks on a scheduler.
 */
public final class Lease {
    /** What a {@link #check} found. */
    public enum Change {
        /** Nothing changed. */
        NONE,
        /** A recent heartbeat was acknowledged and the lease was not held: roles may run (again). */
        ACQUIRED,
        /** No heartbeat sent within the lease has been acknowledged: every role must stop. */
        EXPIRED
    }

    private final long lengthNanos;
    private long lastAckedSentAt;
    private boolean acked;
    private boolean held;

    public Lease(Duration length) {
        if (length.isZero() || length.isNegative()) {
            throw new IllegalArgumentException("lease must be positive, was " + length);
        }
        this.lengthNanos = length.toNanos();
    }

    /** Kafka acknowledged the heartbeat sent at {@code sentAtNanos}. Late acks of older heartbeats never shorten it. */
    public synchronized void acknowledged(long sentAtNanos) {
        if (!acked || sentAtNanos - lastAckedSentAt > 0) {
            lastAckedSentAt = sentAtNanos;
            acked = true;
        }
    }

    /** Updates and returns whether the lease changed at {@code nowNanos}. */
    public synchronized Change check(long nowNanos) {
        boolean valid = valid(nowNanos);
        if (held && !valid) {
            held = false;
            return Change.EXPIRED;
        }
        if (!held && valid) {
            held = true;
            return Change.ACQUIRED;
        }
        return Change.NONE;
    }

    /** Whether the lease was held at the last {@link #check}. */
    public synchronized boolean held() {
        return held;
    }

    /** Time left at {@code nowNanos}, zero when run out or never acquired. */
    public synchronized Duration remaining(long nowNanos) {
        if (!acked) {
            return Duration.ZERO;
        }
        long left = lastAckedSentAt + lengthNanos - nowNanos;
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** How long ago the last acknowledged heartbeat was sent; null before the first. */
    public synchronized Duration sinceLastAcknowledged(long nowNanos) {
        return acked ? Duration.ofNanos(nowNanos - lastAckedSentAt) : null;
    }

    private boolean valid(long nowNanos) {
        return acked && nowNanos - lastAckedSentAt < lengthNanos;
    }
}
