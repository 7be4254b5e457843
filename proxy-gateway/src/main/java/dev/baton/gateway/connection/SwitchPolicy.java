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
 */
public record SwitchPolicy(Duration switchTimeout, Backoff backoff, Duration drainTimeout) {
    /** The default drain timeout. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(2);

    public SwitchPolicy {
        if (switchTimeout.isNegative() || switchTimeout.isZero()) {
            throw new IllegalArgumentException("switch timeout must be positive, was " + switchTimeout);
        }
        if (drainTimeout.isNegative() || drainTimeout.isZero()) {
            throw new IllegalArgumentException("drain timeout must be positive, was " + drainTimeout);
        }
    }

    /** A policy with the default drain timeout. */
    public SwitchPolicy(Duration switchTimeout, Backoff backoff) {
        this(switchTimeout, backoff, DEFAULT_DRAIN_TIMEOUT);
    }
}
