package dev.baton.gateway.net;

import dev.baton.gateway.GatewayMetrics.RoleMeters;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Client bytes held, in order, while a connection has no upstream: what the client sends meanwhile, behind the
 * unanswered bytes to resend (in-flight policy {@code replay}). Copies on the heap, since they outlive the read.
 * Event loop only.
 */
final class HeldBytes {
    private final RoleMeters meters;
    private final ArrayDeque<Buffer> held = new ArrayDeque<>();
    private long bytes;
    private long fromClient;

    HeldBytes(RoleMeters meters) {
        this.meters = meters;
    }

    /** All bytes held. */
    long bytes() {
        return bytes;
    }

    /** The bytes the client sent since {@link #startSwitch()}: not counting those put back to resend. */
    long fromClient() {
        return fromClient;
    }

    /** A switch starts: count the client's bytes from here. */
    void startSwitch() {
        fromClient = bytes;
    }

    void add(Buffer data) {
        held.addLast(data);
        bytes += data.length();
        fromClient += data.length();
        meters.buffered(data.length());
    }

    /** Puts {@code unanswered} in front of everything held, oldest first: they go to the next upstream first. */
    void resendFirst(List<byte[]> unanswered) {
        for (int i = unanswered.size() - 1; i >= 0; i--) {
            Buffer data = Buffer.buffer(unanswered.get(i));
            held.addFirst(data);
            bytes += data.length();
            meters.buffered(data.length());
        }
    }

    /** The oldest chunk, no longer counted as held; null when none is left. */
    Buffer poll() {
        Buffer data = held.pollFirst();
        if (data != null) {
            bytes -= data.length();
            meters.buffered(-data.length());
        }
        return data;
    }

    void discard() {
        meters.buffered(-bytes);
        held.clear();
        bytes = 0;
    }
}
