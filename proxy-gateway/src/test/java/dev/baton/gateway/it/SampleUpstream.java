package dev.baton.gateway.it;

import dev.baton.events.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A TCP server that behaves like Baton's built-in sample plugin: line-based UTF-8, for every line {@code L} it
 * answers {@code <serverId> <L>\n}. It also records what it received, can stop reading (a stalled host), and can
 * be stopped and started again on the same port (a plugin restart).
 *
 * <p>For byte-stream tests every connection checks its bytes against {@link RawClient#patternByte}: a stream
 * without newlines, so nothing is answered, whose every byte says where it belongs.
 */
final class SampleUpstream implements AutoCloseable {
    private static final int MAX_LINE = 64 * 1024;

    private final Vertx vertx;
    private final String serverId;
    private volatile int port;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong patternBytes = new AtomicLong();
    private final AtomicLong patternErrors = new AtomicLong();
    private volatile Consumer<String> onLine = line -> { };
    private volatile boolean stalled;
    private volatile boolean silent;
    private volatile long answerDelayMillis;
    private volatile NetServer server;

    private SampleUpstream(Vertx vertx, String serverId) {
        this.vertx = vertx;
        this.serverId = serverId;
    }

    /** Starts on a free loopback port. */
    static SampleUpstream start(Vertx vertx, String serverId) {
        SampleUpstream upstream = new SampleUpstream(vertx, serverId);
        upstream.listen(0);
        return upstream;
    }

    private void listen(int onPort) {
        server = Waits.result(vertx.createNetServer().connectHandler(this::accept).listen(onPort, "127.0.0.1"));
        port = server.actualPort();
    }

    private void accept(NetSocket socket) {
        // Like a real server: the client's FIN ends its requests; answers still pending are sent, then it closes.
        Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        int[] pending = {0};
        boolean[] ended = {false};
        ((NetSocketInternal) socket).eventHandler(event -> {
            if (event instanceof ChannelInputShutdownEvent) {
                ended[0] = true;
                if (pending[0] == 0) {
                    socket.close();
                }
            }
        });
        accepted.incrementAndGet();
        sockets.add(socket);
        socket.closeHandler(v -> sockets.remove(socket));
        if (stalled) {
            reading(socket, false);
        }
        StringBuilder line = new StringBuilder();
        long[] offset = {0};
        socket.handler(data -> received(socket, data, line, offset, pending, ended));
    }

    private void received(NetSocket socket, Buffer data, StringBuilder line, long[] offset, int[] pending,
            boolean[] ended) {
        byte[] bytes = data.getBytes();
        long errors = 0;
        for (byte b : bytes) {
            if (b != RawClient.patternByte(offset[0]++)) {
                errors++;
            }
        }
        patternBytes.addAndGet(bytes.length);
        patternErrors.addAndGet(errors);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int start = 0;
        for (int newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
            line.append(text, start, newline);
            String complete = line.toString();
            line.setLength(0);
            lines.add(complete);
            long delay = answerDelayMillis;
            if (silent) {
                // recorded, never answered
            } else if (delay > 0) {
                pending[0]++;
                vertx.setTimer(delay, t -> {
                    socket.write(serverId + " " + complete + "\n");
                    if (--pending[0] == 0 && ended[0]) {
                        socket.close();
                    }
                });
            } else {
                socket.write(serverId + " " + complete + "\n");
            }
            onLine.accept(complete);
            start = newline + 1;
        }
        if (line.length() < MAX_LINE) {
            line.append(text, start, Math.min(text.length(), start + MAX_LINE - line.length()));
        }
    }

    String serverId() {
        return serverId;
    }

    Endpoint endpoint() {
        return new Endpoint("127.0.0.1", port);
    }

    /** Every line received, over all connections, in arrival order. */
    List<String> lines() {
        return new ArrayList<>(lines);
    }

    /** Called with every line received, on the server's event loop. */
    void onLine(Consumer<String> listener) {
        this.onLine = listener;
    }

    int connectionsAccepted() {
        return accepted.get();
    }

    /** Bytes received over all connections. */
    long bytesReceived() {
        return patternBytes.get();
    }

    /** Bytes that were not where the {@link RawClient} pattern puts them (per connection, from its first byte). */
    long patternErrors() {
        return patternErrors.get();
    }

    /**
     * Stops reading on every connection, present and future: a host that hangs. Netty's autoRead, not
     * {@code pause()}, which would go on reading into Vert.x's queues for a while and let the stall leak.
     */
    void stall() {
        stalled = true;
        sockets.forEach(socket -> reading(socket, false));
    }

    /** Answers every line {@code delay} after it arrived: a slow request. */
    void answerAfter(Duration delay) {
        answerDelayMillis = delay.toMillis();
    }

    /** Reads and records lines but answers none of them: a host that dies before answering. */
    void silence() {
        silent = true;
    }

    /** Reads again. */
    void unstall() {
        stalled = false;
        sockets.forEach(socket -> reading(socket, true));
    }

    private static void reading(NetSocket socket, boolean on) {
        ((NetSocketInternal) socket).channelHandlerContext().channel().config().setAutoRead(on);
    }

    /** Closes the port and every connection: the plugin stopped. */
    void stop() {
        Waits.result(server.close());
        for (NetSocket socket : List.copyOf(sockets)) {
            Waits.result(socket.close());
        }
    }

    /** Listens again on the same port: the plugin came back. */
    void restart() {
        listen(port);
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            // already stopped
        }
    }
}
