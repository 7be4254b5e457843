package dev.baton.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP forwarder on the loopback interface that a test can cut, to simulate a network partition between a client
 * and a server.
 *
 * <p>{@link #cut()} closes every forwarded connection and from then on accepts new connections but never
 * forwards or answers on them (a blackhole: the client's requests time out, as behind a partition, instead of
 * failing fast). {@link #restore()} closes the blackholed connections, so their clients reconnect at once, and
 * forwards new connections again.
 *
 * <p>{@link #stall()} models a paused server (SIGSTOP, a long GC pause, a frozen VM) instead: every connection stays
 * open and new ones are accepted, but no byte is forwarded in either direction until {@link #unstall()}, which
 * delivers everything held back, in order. Clients see requests that are neither answered nor refused.
 *
 * <p>To cut a Kafka client off, the proxy alone is not enough: a client connects to the listeners the broker
 * advertises, not to the address it bootstrapped from. See {@link EmbeddedKafkaBroker#startWithProxy()}, whose
 * extra listener advertises this proxy's port so that every connection of a client bootstrapped at the proxy goes
 * through it.
 *
 * <p>Threads: one acceptor and two copying threads per forwarded connection, all daemons. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);
    private static final int BUFFER = 16 * 1024;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean cut;
    private final Object flow = new Object();
    private boolean stalled;
    private volatile boolean closed;

    private TcpProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + listener.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    /** Starts a proxy on a free loopback port forwarding to {@code targetHost:targetPort}. */
    public static TcpProxy start(String targetHost, int targetPort) {
        return start(0, targetHost, targetPort);
    }

    /**
     * Starts a proxy on {@code 127.0.0.1:listenPort} (0 for a free port) forwarding to {@code targetHost:targetPort}.
     * The target need not be listening yet: each accepted connection connects to it anew.
     */
    public static TcpProxy start(int listenPort, String targetHost, int targetPort) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 50);
            TcpProxy proxy = new TcpProxy(listener, new InetSocketAddress(targetHost, targetPort));
            proxy.acceptor.start();
            LOG.info("TCP proxy 127.0.0.1:{} -> {}:{}", proxy.port(), targetHost, targetPort);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a TCP proxy to " + targetHost + ":" + targetPort, e);
        }
    }

    /** The loopback port the proxy listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code 127.0.0.1:<port>}. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Closes every forwarded connection; new connections are accepted but blackholed until {@link #restore()}. */
    public void cut() {
        cut = true;
        List<Link> open = new ArrayList<>(links);
        open.forEach(Link::close);
        LOG.info("TCP proxy {} cut: {} connections closed, new ones blackholed", address(), open.size());
    }

    /** Forwards again; connections accepted while cut are closed so their clients reconnect. */
    public void restore() {
        cut = false;
        List<Socket> blackholed = new ArrayList<>(held);
        blackholed.forEach(socket -> {
            held.remove(socket);
            closeQuietly(socket);
        });
        LOG.info("TCP proxy {} restored ({} blackholed connections closed)", address(), blackholed.size());
    }

    /** Forwards nothing, in either direction, on any connection until {@link #unstall()}; closes nothing. */
    public void stall() {
        synchronized (flow) {
            stalled = true;
        }
        LOG.info("TCP proxy {} stalled: {} connections held open, nothing forwarded", address(), links.size());
    }

    /** Forwards again, beginning with what was held back while stalled. */
    public void unstall() {
        synchronized (flow) {
            stalled = false;
            flow.notifyAll();
        }
        LOG.info("TCP proxy {} forwarding again", address());
    }

    /** Blocks the calling copier while the proxy is stalled. */
    private void awaitFlowing() throws InterruptedException {
        synchronized (flow) {
            while (stalled) {
                flow.wait();
            }
        }
    }

    public boolean isCut() {
        return cut;
    }

    /** Connections currently forwarded. */
    public int openConnections() {
        return links.size();
    }

    /** Connections accepted since the start, forwarded or blackholed. */
    public long connectionsAccepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("TCP proxy {} stopped accepting: {}", address(), e.toString());
                }
                return;
            }
            accepted.incrementAndGet();
            if (cut) {
                held.add(client);
                // The cut may have been lifted between the check and the add: do not strand the client.
                if (!cut && held.remove(client)) {
                    closeQuietly(client);
                }
                continue;
            }
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            Link link = new Link(client, upstream);
            links.add(link);
            if (cut) {
                link.close();
                continue;
            }
            link.start();
        }
    }

    @Override
    public void close() {
        closed = true;
        unstall();
        closeQuietly(listener);
        new ArrayList<>(links).forEach(Link::close);
        new ArrayList<>(held).forEach(TcpProxy::closeQuietly);
        held.clear();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing is best effort: the peer may already be gone.
        }
    }

    /** One forwarded connection: client to upstream and back, each direction on its own thread. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            int id = client.getPort();
            pump(client, upstream, "tcp-proxy-up-" + id);
            pump(upstream, client, "tcp-proxy-down-" + id);
        }

        private void pump(Socket from, Socket to, String name) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[BUFFER];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        awaitFlowing();
                        out.write(buffer, 0, read);
                    }
                } catch (SocketException ignored) {
                    // Closed by cut() or by the other direction: nothing to report.
                } catch (IOException e) {
                    LOG.debug("TCP proxy link {} ended: {}", name, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    close();
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        void close() {
            links.remove(this);
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }
}
