package dev.baton.gateway.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Netty channel operations Vert.x's {@code NetSocket} does not offer, through {@link NetSocketInternal}. */
final class Sockets {
    private static final Logger LOG = LoggerFactory.getLogger(Sockets.class);

    private Sockets() {
    }

    static Channel channel(NetSocket socket) {
        return ((NetSocketInternal) socket).channelHandlerContext().channel();
    }

    /**
     * Starts or stops reading from {@code socket}: Netty's {@code autoRead}, which its read loop checks after every
     * read, rather than {@code pause()} (see {@link ClientConnection}).
     */
    static void reading(NetSocket socket, boolean on) {
        channel(socket).config().setAutoRead(on);
    }

    /**
     * Lets the peer half-close: its FIN then arrives as a {@code ChannelInputShutdownEvent} and the socket can still
     * be written, instead of Netty closing the channel at once.
     */
    static void allowHalfClosure(NetSocket socket) {
        channel(socket).config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    /** Sends a FIN: the peer reads the end of the stream and may go on writing. */
    static void shutdownOutput(NetSocket socket) {
        Channel channel = channel(socket);
        if (channel instanceof DuplexChannel duplex && channel.isOpen() && !duplex.isOutputShutdown()) {
            duplex.shutdownOutput();
        }
    }

    /**
     * Closes {@code socket} after what was written to it is flushed, so bytes already sent to the old host (or to
     * the client) reach it; if the peer stopped reading, Vert.x would wait for that flush forever, so the socket is
     * forced shut after {@code graceMillis} (the connect timeout) instead of lingering.
     */
    static void closeGracefully(Vertx vertx, NetSocket socket, long graceMillis, String connection) {
        socket.close();
        vertx.setTimer(graceMillis, t -> {
            if (channel(socket).isOpen()) {
                LOG.info("{}: forcing {} shut: it did not take the bytes still queued for it", connection,
                        socket.remoteAddress());
                channel(socket).close();
            }
        });
    }
}
