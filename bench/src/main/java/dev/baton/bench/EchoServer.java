package dev.baton.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The backend of the gateway benchmark's latency measure, run as a process of its own:
 * {@code java -cp <bench classpath> dev.baton.bench.EchoServer <port>}. Blocking sockets, one thread per
 * connection, {@code TCP_NODELAY}: every read is written back at once, as it came.
 */
public final class EchoServer {
    private EchoServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            while (true) {
                Socket socket = server.accept();
                Thread thread = new Thread(() -> echo(socket), "echo-" + socket.getPort());
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private static void echo(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            socket.setTcpNoDelay(true);
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
