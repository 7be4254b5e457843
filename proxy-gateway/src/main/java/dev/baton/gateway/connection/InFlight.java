package dev.baton.gateway.connection;

/**
 * What a connection had in flight when it lost its upstream.
 *
 * @param unansweredBytes client bytes forwarded to the upstream after its last byte to the client
 * @param replayable whether every one of them was kept and can be resent
 * @param quietMillis how long no byte went either way before the loss; {@link Long#MAX_VALUE} when none ever did
 */
public record InFlight(long unansweredBytes, boolean replayable, long quietMillis) {
    /** Nothing unanswered, no traffic. */
    public static final InFlight IDLE = new InFlight(0, true, Long.MAX_VALUE);

    public InFlight {
        if (unansweredBytes < 0) {
            throw new IllegalArgumentException("unanswered bytes must not be negative, was " + unansweredBytes);
        }
        if (quietMillis < 0) {
            throw new IllegalArgumentException("quiet time must not be negative, was " + quietMillis);
        }
    }

    /** {@code unansweredBytes} with no traffic since long ago: judged by the bytes alone. */
    public InFlight(long unansweredBytes, boolean replayable) {
        this(unansweredBytes, replayable, Long.MAX_VALUE);
    }

    /**
     * Whether the client surely waits for an answer: it sent bytes the upstream had not started to answer. Exact for a
     * client with one request in flight; a pipelining client may wait for more (see {@link #awaiting(long)}).
     */
    public boolean awaiting() {
        return unansweredBytes > 0;
    }

    /**
     * The conservative judgement: whether the client may wait for an answer. Only a connection quiet in both
     * directions for {@code quietIntervalMillis}, the upstream's bytes last, is surely idle; with more recent
     * traffic a pipelining client may still wait for answers to requests it sent before the last answer bytes came.
     */
    public boolean awaiting(long quietIntervalMillis) {
        return awaiting() || quietMillis < quietIntervalMillis;
    }
}
