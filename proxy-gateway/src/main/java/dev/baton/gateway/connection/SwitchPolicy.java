package dev.baton.gateway.connection;

import java.time.Duration;

/**
 * How long a client connection may go without an upstream, how often the gateway retries meanwhile, and how long a
 * planned move waits for the old host's answers.
 *
 * @param switchTimeout the longest a client is held without an upstream, from the moment it lost (or, for a new
 *     client, never had) one; then it is closed
 * @param backoff the wait between failed connect attempts to the same target
 * @param drainTimeout the longest a connection that awaits an answer drains from the old host of a planned move
 * @param quietInterval how long a connection must have been quiet in both directions, the upstream's bytes last, to
 *     count as idle when it loses its upstream; with more recent traffic it may await an answer
 *     ({@link InFlight#awaiting(long)})
 */
public record SwitchPolicy(Duration switchTimeout, Backoff backoff, Duration drainTimeout, Duration quietInterval) {
    /** The default drain timeout. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(2);
    /**
     * The default quiet interval: far above a loaded client's gap between an answer and its next request, far below
     * the failure detection that reports a host that froze with its sockets open.
     */
    public static final Duration DEFAULT_QUIET_INTERVAL = Duration.ofMillis(500);

    public SwitchPolicy {
        if (switchTimeout.isNegative() || switchTimeout.isZero()) {
            throw new IllegalArgumentException("switch timeout must be positive, was " + switchTimeout);
        }
        if (drainTimeout.isNegative() || drainTimeout.isZero()) {
            throw new IllegalArgumentException("drain timeout must be positive, was " + drainTimeout);
        }
        if (quietInterval.isNegative()) {
            throw new IllegalArgumentException("quiet interval must not be negative, was " + quietInterval);
        }
    }

    /** A policy with the default drain timeout and quiet interval. */
    public SwitchPolicy(Duration switchTimeout, Backoff backoff) {
        this(switchTimeout, backoff, DEFAULT_DRAIN_TIMEOUT);
    }

    /** A policy with the default quiet interval. */
    public SwitchPolicy(Duration switchTimeout, Backoff backoff, Duration drainTimeout) {
        this(switchTimeout, backoff, drainTimeout, DEFAULT_QUIET_INTERVAL);
    }
}
