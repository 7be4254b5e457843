package dev.baton.gateway.connection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The client bytes of one connection that its upstream has not answered: everything forwarded to the upstream since
 * the upstream last sent a byte to the client. With {@link InFlightPolicy.Mode#REPLAY} it keeps copies of them, up
 * to the replay limit, so they can be resent to the next upstream; past the limit it only counts.
 *
 * <p>"Answered" is judged without parsing the protocol: any upstream byte answers everything sent before it. For a
 * request/response client with one request outstanding per connection that is exact; for a pipelining client whose
 * later requests were sent before the first answer arrived, the requests still unanswered at that moment are not
 * counted. So it also records when the last byte went either way: {@link InFlight#awaiting(long)} counts a connection
 * with recent traffic as awaiting too (see the module README). Times are monotonic milliseconds passed in.
 */
public final class UnansweredBytes {
    private final int keepLimit;
    private final ArrayDeque<byte[]> kept = new ArrayDeque<>();
    private long bytes;
    private boolean complete = true;
    private long lastTraffic = Long.MIN_VALUE;

    /** @param policy {@link InFlightPolicy#keepsBytes()} decides whether copies are kept */
    public UnansweredBytes(InFlightPolicy policy) {
        this.keepLimit = policy.keepsBytes() ? policy.replayLimitBytes() : 0;
    }

    /** Whether the caller should hand over a copy of the next {@code length} bytes ({@link #sent(byte[])}). */
    public boolean wantsCopy(int length) {
        return complete && keepLimit > 0 && bytes + length <= keepLimit;
    }

    /** {@code length} client bytes were forwarded at {@code now} without a copy: they can no longer all be resent. */
    public void sent(int length, long now) {
        if (length <= 0) {
            return;
        }
        lastTraffic = now;
        bytes += length;
        complete = false;
        kept.clear();
    }

    /** Client bytes were forwarded at {@code now}; {@code copy} is kept (the caller must not change it). */
    public void sent(byte[] copy, long now) {
        if (copy.length == 0) {
            return;
        }
        if (!wantsCopy(copy.length)) {
            sent(copy.length, now);
            return;
        }
        lastTraffic = now;
        bytes += copy.length;
        kept.addLast(copy);
    }

    /** The upstream sent a byte to the client at {@code now}: everything sent before it counts as answered. */
    public void answered(long now) {
        lastTraffic = now;
        clearBytes();
    }

    /** The connection left its upstream: nothing is unanswered, and there was no traffic with the next one yet. */
    public void reset() {
        lastTraffic = Long.MIN_VALUE;
        clearBytes();
    }

    private void clearBytes() {
        bytes = 0;
        complete = true;
        kept.clear();
    }

    /** What is in flight at {@code now}. */
    public InFlight inFlight(long now) {
        long quiet = lastTraffic == Long.MIN_VALUE ? Long.MAX_VALUE : Math.max(0, now - lastTraffic);
        return new InFlight(bytes, bytes == 0 || (complete && keepLimit > 0), quiet);
    }

    /** Hands over the kept bytes, oldest first, and starts again from nothing unanswered ({@link #reset()}). */
    public List<byte[]> take() {
        List<byte[]> out = new ArrayList<>(kept);
        reset();
        return out;
    }
}
