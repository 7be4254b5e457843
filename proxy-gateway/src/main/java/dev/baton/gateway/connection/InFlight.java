package dev.baton.gateway.connection;

/**
 * What a connection had in flight when it lost its upstream.
 *
 * @param unansweredBytes client bytes forwarded to the upstream after its last byte to the client; 0 when the
 *     connection was idle
 * @param replayable whether every one of them was kept and can be resent
 */
public record InFlight(long unansweredBytes, boolean replayable) {
    /** Nothing unanswered. */
    public static final InFlight IDLE = new InFlight(0, true);

    public InFlight {
        if (unansweredBytes < 0) {
            throw new IllegalArgumentException("unanswered bytes must not be negative, was " + unansweredBytes);
        }
    }

    /** Whether the client waits for an answer the upstream had not started to send. */
    public boolean awaiting() {
        return unansweredBytes > 0;
    }
}
