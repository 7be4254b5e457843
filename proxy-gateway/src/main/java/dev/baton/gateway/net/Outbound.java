package dev.baton.gateway.net;

import dev.baton.gateway.GatewayMetrics.RoleMeters;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * Bytes written to one socket and not yet flushed to the kernel, counted from the completion of each write's future.
 * {@link #write} says whether the queue is full now; the {@code drained} callback runs when a full queue has fallen
 * to half. Event loop only.
 */
final class Outbound {
    private final NetSocket socket;
    private final int limit;
    private final RoleMeters meters;
    private final Runnable drained;
    private long pending;
    private boolean full;
    private Future<Void> last = Future.succeededFuture();

    Outbound(NetSocket socket, int limit, RoleMeters meters, Runnable drained) {
        this.socket = socket;
        this.limit = limit;
        this.meters = meters;
        this.drained = drained;
    }

    NetSocket socket() {
        return socket;
    }

    boolean full() {
        return full;
    }

    boolean write(Buffer data) {
        return write(data.length(), socket.write(data));
    }

    /** Writes {@code data} as it is; the socket releases it once written (or failed). */
    boolean write(ByteBuf data) {
        return write(data.readableBytes(), ((NetSocketInternal) socket).writeMessage(data));
    }

    /**
     * Shuts the socket's output (a TCP half-close) once everything written so far is sent: Netty fails the writes
     * still queued when the output is shut, so it waits for the last one.
     */
    void end() {
        last.onComplete(ar -> Sockets.shutdownOutput(socket));
    }

    private boolean write(int length, Future<Void> written) {
        pending += length;
        meters.buffered(length);
        last = written;
        written.onComplete(ar -> {
            pending -= length;
            meters.buffered(-length);
            if (full && pending <= limit / 2) {
                full = false;
                drained.run();
            }
        });
        if (pending >= limit) {
            full = true;
        }
        return full;
    }
}
