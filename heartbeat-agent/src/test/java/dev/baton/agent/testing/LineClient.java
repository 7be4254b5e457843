package dev.baton.agent.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A client of the sample plugin's line protocol, for tests. */
public final class LineClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    public LineClient(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 2_000);
        socket.setSoTimeout(5_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** Sends {@code text} as is (include the line terminators). */
    public void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line of the answer, without its terminator; null at end of stream. */
    public String readLine() throws IOException {
        return in.readLine();
    }

    /** Sends {@code line} and returns the answer line. */
    public String ask(String line) throws IOException {
        send(line + "\n");
        return readLine();
    }

    /** One connection, one line: what the plugin at {@code host:port} answers to {@code line}. */
    public static String ask(String host, int port, String line) throws IOException {
        try (LineClient client = new LineClient(host, port)) {
            return client.ask(line);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
