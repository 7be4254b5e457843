package dev.baton.agent.plugin;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in sample plugin: a small TCP server, run inside the agent (kind {@code sample}) so that a failover
 * does not pay for starting a JVM, and runnable on its own as a command plugin ({@link SamplePluginMain}).
 *
 * <h2>Protocol</h2>
 * Line based, UTF-8 (the plugin works on bytes and never decodes them). For every line {@code L} a client sends,
 * terminated by {@code \n} (a {@code \r} before it is dropped), the plugin answers {@code <serverId> <L>\n}: the
 * client learns which server answered, and its line comes back. Answers are in the order of the lines. There is no
 * greeting and no command: an empty line is answered with {@code <serverId> \n}. A line longer than
 * {@value #MAX_LINE} bytes closes the connection. Clients may keep a connection open as long as they like.
 *
 * <h2>Threads</h2>
 * One NIO selector thread per instance serves every connection; a client that does not read its answers stops
 * being read from (back-pressure), without holding up the others.
 */
public final class SamplePlugin implements PluginInstance {
    private static final Logger LOG = LoggerFactory.getLogger(SamplePlugin.class);
    /** Longest accepted line in bytes, without its terminator. */
    public static final int MAX_LINE = 64 * 1024;

    private final String name;
    private final byte[] prefix;
    private final int requestedPort;
    private ServerSocketChannel server;
    private volatile int port;
    private Selector selector;
    private Thread thread;
    private volatile boolean stopping;
    private volatile String ended;
    private volatile Runnable onEnded = () -> { };

    /**
     * @param serverId what the plugin answers with
     * @param name names the thread and log lines, e.g. the role id
     * @param port the port to listen on, on every interface; 0 for a free one
     */
    public SamplePlugin(String serverId, String name, int port) {
        this.name = name;
        this.prefix = (serverId + " ").getBytes(StandardCharsets.UTF_8);
        this.requestedPort = port;
    }

    @Override
    public void launch() throws IOException {
        server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(requestedPort), 128);
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            server.close();
            if (selector != null) {
                selector.close();
            }
            throw new IOException("cannot listen on port " + requestedPort + ": " + e.getMessage(), e);
        }
        thread = new Thread(this::serve, "sample-plugin-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Optional<String> ended() {
        return Optional.ofNullable(ended);
    }

    @Override
    public void onEnded(Runnable wake) {
        onEnded = wake;
        if (ended != null) {
            wake.run();
        }
    }

    @Override
    public void terminate() {
        stopping = true;
        Selector current = selector;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    public void kill() {
        terminate();
    }

    @Override
    public String describe() {
        return "in-process";
    }

    /** Waits until the server thread has closed every socket; for tests and the standalone main. */
    public void awaitEnded(long millis) throws InterruptedException {
        if (thread != null) {
            thread.join(millis);
        }
    }

    private void serve() {
        String outcome = "stopped";
        try {
            while (!stopping) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    try {
                        if (key.isAcceptable()) {
                            accept();
                        } else {
                            serve(key);
                        }
                    } catch (IOException e) {
                        // One client's trouble (reset, broken pipe) ends that connection only.
                        close(key);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            outcome = "sample plugin server failed: " + e;
            LOG.warn("Sample plugin {} on port {} failed: {}", name, port(), e.toString());
        } finally {
            closeAll();
            ended = outcome;
            onEnded.run();
        }
    }

    private void accept() throws IOException {
        SocketChannel client = server.accept();
        if (client == null) {
            return;
        }
        client.configureBlocking(false);
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        client.register(selector, SelectionKey.OP_READ, new Connection());
    }

    private void serve(SelectionKey key) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        Connection connection = (Connection) key.attachment();
        if (key.isReadable()) {
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            int read = channel.read(buffer);
            if (read < 0) {
                close(key);
                return;
            }
            if (!connection.received(buffer.array(), read)) {
                close(key);
                return;
            }
        }
        while (!connection.answers.isEmpty()) {
            ByteBuffer head = connection.answers.peek();
            channel.write(head);
            if (head.hasRemaining()) {
                break;
            }
            connection.answers.poll();
        }
        // Read again only once every answer is written: a client that does not read is not read from.
        key.interestOps(connection.answers.isEmpty() ? SelectionKey.OP_READ : SelectionKey.OP_WRITE);
    }

    private void close(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // Closing a broken connection: nothing more to do.
        }
    }

    private void closeAll() {
        try {
            if (selector.isOpen()) {
                for (SelectionKey key : selector.keys()) {
                    close(key);
                }
                selector.close();
            }
        } catch (IOException | ClosedSelectorException ignored) {
            // Best effort: the process-wide sockets are closed below regardless.
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    /** Bytes of the current, unfinished line and the answers not yet written. */
    private final class Connection {
        private byte[] line = new byte[256];
        private int length;
        private final ArrayDeque<ByteBuffer> answers = new ArrayDeque<>();

        /** Takes {@code count} received bytes; false when a line grew beyond the limit. */
        boolean received(byte[] bytes, int count) {
            for (int i = 0; i < count; i++) {
                byte b = bytes[i];
                if (b == '\n') {
                    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                    ByteBuffer answer = ByteBuffer.allocate(prefix.length + end + 1);
                    answer.put(prefix).put(line, 0, end).put((byte) '\n').flip();
                    answers.add(answer);
                    length = 0;
                } else {
                    if (length == MAX_LINE) {
                        return false;
                    }
                    if (length == line.length) {
                        line = Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
                    }
                    line[length++] = b;
                }
            }
            return true;
        }
    }
}
