package dev.baton.gateway.it;

import dev.baton.events.Endpoint;
import dev.baton.testkit.Await;
import dev.baton.testkit.FreePorts;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian {@code redis-server} process on a free loopback port, as a role's plugin would run it: no
 * persistence, killed with SIGKILL when the test says its host dies.
 */
final class RedisHost implements AutoCloseable {
    private final String serverId;
    private final int port;
    private final Process process;

    private RedisHost(String serverId, int port, Process process) {
        this.serverId = serverId;
        this.port = port;
        this.process = process;
    }

    /** Starts redis-server and waits until it answers PING; its output goes to {@code logDir}. */
    static RedisHost start(String serverId, File logDir) throws IOException {
        int port = FreePorts.next();
        logDir.mkdirs();
        Process process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true)
                .redirectOutput(new File(logDir, "redis-" + serverId + ".log"))
                .start();
        RedisHost host = new RedisHost(serverId, port, process);
        Await.until(serverId + "'s redis-server answering PING", Duration.ofSeconds(15),
                () -> process.isAlive() && host.answersPing());
        return host;
    }

    String serverId() {
        return serverId;
    }

    Endpoint endpoint() {
        return new Endpoint("127.0.0.1", port);
    }

    /** SIGKILL, as when the host or the agent that runs the plugin dies; waits for the process to be gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(serverId + "'s redis-server survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + serverId + "'s redis-server", e);
        }
    }

    /** SIGTERM, as when its agent stops the role; returns at once (redis-server shuts down on its own). */
    void terminate() {
        process.destroy();
    }

    /** Commands processed since start ({@code INFO stats}: {@code total_commands_processed}). */
    long commandsProcessed() {
        String info = command("*2\r\n$4\r\nINFO\r\n$5\r\nstats\r\n");
        for (String line : info.split("\r\n")) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IllegalStateException("no total_commands_processed in INFO stats: " + info);
    }

    private boolean answersPing() {
        try {
            return command("PING\r\n").startsWith("+PONG");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** Sends one RESP request and returns its reply: a simple line, or the body of a bulk string. */
    private String command(String request) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String first = readLine(in);
            if (!first.startsWith("$")) {
                return first;
            }
            byte[] body = new byte[Integer.parseInt(first.substring(1))];
            in.readFully(body);
            return new String(body, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("redis closed the connection");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
