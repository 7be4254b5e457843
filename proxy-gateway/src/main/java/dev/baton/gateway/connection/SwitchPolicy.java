package dev.baton.gateway.connection;

import java.time.Duration;

/**
 * How long a client connection may go without an upstream and how often the gateway retries meanwhile.
 *
 * @param switchTimeout the longest a client is held without an upstream, from the moment it lost (or, for a new
 *     client, never had) one; then it is closed
 * @param backoff the wait between failed connect attempts to the same target
 */
public record SwitchPolicy(Duration switchTimeout, Backoff backoff) {
    public SwitchPolicy {
        if (switchTimeout.isNegative() || switchTimeout.isZero()) {
            throw new IllegalArgumentException("switch timeout must be positive, was " + switchTimeout);
        }
    }
}
