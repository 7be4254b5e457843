package dev.baton.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client of the sample plugin's line protocol (for every line {@code L}: {@code <serverId> <L>}), directly or
 * through the gateway, as a remote proxy sees it. One TCP connection; reads wait at most 15 s, so a missing answer
 * fails the test instead of hanging it.
 */
public final class LineClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader reader;
    private final OutputStream out;

    private LineClient(Socket socket) throws IOException {
        this.socket = socket;
        this.reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code 127.0.0.1:port}. */
    public static LineClient connect(int port) {
        return connect("127.0.0.1", port);
    }

    public static LineClient connect(String host, int port) {
        try {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(15_000);
            return new LineClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
        }
    }

    /** One connection, one line: the answer of whatever listens at {@code host:port}. */
    public static String ask(String host, int port, String line) {
        try (LineClient client = connect(host, port)) {
            return client.ask(line);
        }
    }

    /** This end's port: the same value before and after a failover proves the connection is the same one. */
    public int localPort() {
        return socket.getLocalPort();
    }

    public void send(String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next line, or null at the end of the stream. */
    public String readLine() {
        try {
            return reader.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code line} and returns the answer. */
    public String ask(String line) {
        send(line);
        return readLine();
    }

    /**
     * Whether the peer closed the connection (end of stream or reset) before the read timeout; lines still arriving
     * before the close are skipped.
     */
    public boolean awaitClosedByPeer() {
        try {
            while (reader.readLine() != null) {
                // an answer to something sent earlier: not what this waits for
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
