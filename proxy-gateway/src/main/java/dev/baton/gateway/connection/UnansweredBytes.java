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
 * counted (see the module README).
 */
public final class UnansweredBytes {
    private final int keepLimit;
    private final ArrayDeque<byte[]> kept = new ArrayDeque<>();
    private long bytes;
    private boolean complete = true;

    /** @param policy {@link InFlightPolicy#keepsBytes()} decides whether copies are kept */
    public UnansweredBytes(InFlightPolicy policy) {
        this.keepLimit = policy.keepsBytes() ? policy.replayLimitBytes() : 0;
    }

    /** Whether the caller should hand over a copy of the next {@code length} bytes ({@link #sent(byte[])}). */
    public boolean wantsCopy(int length) {
        return complete && keepLimit > 0 && bytes + length <= keepLimit;
    }

    /** {@code length} client bytes were forwarded without a copy: they can no longer all be resent. */
    public void sent(int length) {
        if (length <= 0) {
            return;
        }
        bytes += length;
        complete = false;
        kept.clear();
    }

    /** Client bytes were forwarded; {@code copy} is kept (the caller must not change it). */
    public void sent(byte[] copy) {
        if (copy.length == 0) {
            return;
        }
        if (!wantsCopy(copy.length)) {
            sent(copy.length);
            return;
        }
        bytes += copy.length;
        kept.addLast(copy);
    }

    /** The upstream sent a byte to the client: everything sent before it counts as answered. */
    public void answered() {
        bytes = 0;
        complete = true;
        kept.clear();
    }

    /** What is in flight now. */
    public InFlight inFlight() {
        return new InFlight(bytes, bytes == 0 || (complete && keepLimit > 0));
    }

    /** Hands over the kept bytes, oldest first, and starts again from nothing unanswered. */
    public List<byte[]> take() {
        List<byte[]> out = new ArrayList<>(kept);
        answered();
        return out;
    }
}
