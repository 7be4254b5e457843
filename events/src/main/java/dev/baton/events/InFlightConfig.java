package dev.baton.events;

import java.util.List;

/**
 * What every gateway does with a client connection of the role that awaits an answer when its upstream is lost
 * abruptly (host killed, upstream reset, role moved away from a failed host).
 *
 * @param policy {@code close} (close the client's connection so its own retry logic runs), {@code replay} (resend
 *     the unanswered bytes to the new host, for idempotent request/response protocols) or {@code repoint} (re-point
 *     it as if idle, for one-way streams)
 * @param replayLimitBytes with {@code replay}, the most unanswered bytes resent per connection (past it, the
 *     connection is closed); absent means the gateway's default
 */
public record InFlightConfig(String policy, @OptionalField Integer replayLimitBytes) {
    /** The policies by wire name. */
    public static final List<String> POLICIES = List.of("close", "replay", "repoint");
    /** The largest replay limit a role may set: bytes a gateway copies per connection. */
    public static final int MAX_REPLAY_LIMIT_BYTES = 16 * 1024 * 1024;

    public InFlightConfig {
        Checks.nonBlank("inFlight.policy", policy);
        if (!POLICIES.contains(policy)) {
            throw new IllegalArgumentException("inFlight.policy must be one of " + POLICIES + ", was '" + policy + "'");
        }
        if (replayLimitBytes != null && (replayLimitBytes < 1 || replayLimitBytes > MAX_REPLAY_LIMIT_BYTES)) {
            throw new IllegalArgumentException("inFlight.replayLimitBytes must be between 1 and "
                    + MAX_REPLAY_LIMIT_BYTES + ", was " + replayLimitBytes);
        }
    }
}
