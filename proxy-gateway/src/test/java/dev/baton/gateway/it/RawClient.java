package dev.baton.gateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A client that writes a byte stream without blocking, to observe back-pressure: it writes until the socket stays
 * unwritable for a quiet period, which means every buffer between it and the gateway is full and the gateway stopped
 * reading from it.
 */
final class RawClient implements AutoCloseable {
    private static final int CHUNK = 16 * 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private long written;

    private RawClient(SocketChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    static RawClient connect(int port) {
        try {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_WRITE);
            return new RawClient(channel, selector);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The byte at {@code offset} of the stream: lower-case letters, no newline, so a sample server never answers. */
    static byte patternByte(long offset) {
        return (byte) ('a' + (offset % 26));
    }

    /**
     * Writes the pattern until the socket has not been writable for {@code quiet} (the selector waits on it; no
     * sleep), or {@code limit} bytes were written. Returns the bytes written so far in total.
     */
    long writeUntilBlocked(Duration quiet, long limit) {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        try {
            while (written < limit) {
                buffer.clear();
                int size = (int) Math.min(CHUNK, limit - written);
                for (int i = 0; i < size; i++) {
                    buffer.put(patternByte(written + i));
                }
                buffer.flip();
                int n = channel.write(buffer);
                written += n;
                if (n < size) {
                    // Rewind the part not taken: the next round regenerates it from 'written'.
                    selector.selectedKeys().clear();
                    if (selector.select(quiet.toMillis()) == 0) {
                        return written;
                    }
                }
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long written() {
        return written;
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
