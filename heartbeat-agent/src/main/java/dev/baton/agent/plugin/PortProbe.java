package dev.baton.agent.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** TCP checks of plugin ports and databases: does {@code host:port} accept a connection. */
public final class PortProbe {
    private PortProbe() {
    }

    /** Whether a TCP connect to {@code host:port} succeeds within {@code timeout}; the connection is closed at once. */
    public static boolean accepts(String host, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return true;
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            // Refused, timed out, unresolvable or a port out of range: not reachable, which is the answer.
            return false;
        }
    }

    /** A TCP port that was free on every interface a moment ago, for a plugin configured without a port. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port", e);
        }
    }
}
