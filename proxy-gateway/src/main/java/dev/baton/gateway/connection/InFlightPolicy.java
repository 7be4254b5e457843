package dev.baton.gateway.connection;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the gateway does with a connection that awaits an answer (it forwarded client bytes to the upstream and no
 * upstream byte came back after them) when it loses that upstream abruptly: the host was killed, the upstream reset or
 * closed the connection, or the role moved away from it.
 *
 * @param mode the policy
 * @param replayLimitBytes with {@link Mode#REPLAY}, the most unanswered bytes kept per connection to resend; a
 *     connection with more unanswered bytes than this is closed instead
 */
public record InFlightPolicy(Mode mode, int replayLimitBytes) {
    /** Enough for a batch of ordinary requests; a connection awaiting more is closed rather than half-replayed. */
    public static final int DEFAULT_REPLAY_LIMIT_BYTES = 64 * 1024;
    /** The default: close awaiting connections, so the client's own retry logic runs. */
    public static final InFlightPolicy DEFAULT = new InFlightPolicy(Mode.CLOSE, DEFAULT_REPLAY_LIMIT_BYTES);

    public InFlightPolicy {
        if (mode == null) {
            throw new IllegalArgumentException("in-flight policy mode is required");
        }
        if (replayLimitBytes < 1) {
            throw new IllegalArgumentException("replay limit must be positive, was " + replayLimitBytes);
        }
    }

    /** The policies, by their configuration names ({@code close}, {@code replay}, {@code repoint}). */
    public enum Mode {
        /**
         * Close the client's connection, as a direct connection to the lost host would have been closed: the client
         * sees the failure and its own retry logic reconnects, through the gateway, to the new host.
         */
        CLOSE,
        /**
         * Resend the unanswered bytes to the new upstream before anything else (for idempotent request/response
         * protocols), within {@link InFlightPolicy#replayLimitBytes}; past it, close.
         */
        REPLAY,
        /**
         * Re-point the connection as if it were idle; the unanswered bytes are lost with the old host. For one-way
         * streams whose clients never wait for an answer.
         */
        REPOINT;

        /** The configuration name. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode named {@code name}; the message lists the valid names. */
        public static Mode parse(String name) {
            for (Mode mode : values()) {
                if (mode.wireName().equals(name)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("unknown in-flight policy '" + name + "': expected one of "
                    + Arrays.stream(values()).map(Mode::wireName).collect(Collectors.joining(", ")));
        }
    }

    /** Whether a connection keeps copies of the bytes it forwards, to be able to resend them. */
    public boolean keepsBytes() {
        return mode == Mode.REPLAY;
    }

    @Override
    public String toString() {
        return mode == Mode.REPLAY ? "replay (up to " + replayLimitBytes + " bytes)" : mode.wireName();
    }
}
