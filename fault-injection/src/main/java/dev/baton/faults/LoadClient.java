package dev.baton.faults;

import dev.baton.faults.check.History.Hang;
import dev.baton.faults.check.History.RequestTally;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Request/response load through the gateway for the whole run: {@code connectionsPerRole} connections to each role's
 * gateway port, each sending one line and waiting for its answer ({@code <serverId> <line>}) before the next. Every
 * request has a deadline: one unanswered by then on a connection still open is a {@link Hang} (the connection is then
 * dropped and a new one opened), not something waited on. A refused connection, a reset or a close is a failed request;
 * the client reconnects after a short pause, as a real client's retry would. Each request is counted under the
 * scenario running when it was sent.
 */
final class LoadClient implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final long PACE_NANOS = Duration.ofMillis(20).toNanos();
    private static final long RETRY_NANOS = Duration.ofMillis(100).toNanos();

    private final Map<String, Integer> rolePorts;
    private final Duration deadline;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, LongAdder[]> tallies = new ConcurrentHashMap<>();
    private final List<Hang> hangs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile String scenario = "start";
    private final java.util.concurrent.atomic.AtomicLong lastFailure = new java.util.concurrent.atomic.AtomicLong();

    LoadClient(Map<String, Integer> rolePorts, int connectionsPerRole, Duration deadline) {
        this.rolePorts = Map.copyOf(rolePorts);
        this.deadline = deadline;
        rolePorts.forEach((role, port) -> {
            for (int i = 0; i < connectionsPerRole; i++) {
                Thread thread = new Thread(() -> loop(role, port), "load-" + role + "-" + i);
                thread.setDaemon(true);
                threads.add(thread);
            }
        });
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** From now on, requests count under {@code name}. */
    void scenario(String name) {
        scenario = name;
    }

    private void loop(String role, int port) {
        long sequence = 0;
        while (running.get()) {
            try (Socket socket = new Socket()) {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress("127.0.0.1", port), (int) CONNECT_TIMEOUT.toMillis());
                socket.setSoTimeout((int) deadline.toMillis());
                OutputStream out = socket.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                while (running.get()) {
                    String line = role + "-" + Thread.currentThread().getName() + "-" + (++sequence);
                    String during = scenario;
                    long sent = System.currentTimeMillis();
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    String answer;
                    try {
                        answer = in.readLine();
                    } catch (SocketTimeoutException e) {
                        hangs.add(new Hang(during, role, sent, System.currentTimeMillis() - sent));
                        lastFailure.accumulateAndGet(System.currentTimeMillis(), Math::max);
                        break;
                    }
                    if (answer == null || !answer.endsWith(" " + line)) {
                        tally(during, false);
                        break;
                    }
                    tally(during, true);
                    LockSupport.parkNanos(PACE_NANOS);
                }
            } catch (IOException e) {
                tally(scenario, false);
            }
            LockSupport.parkNanos(RETRY_NANOS);
        }
    }

    private void tally(String during, boolean ok) {
        if (!ok) {
            lastFailure.accumulateAndGet(System.currentTimeMillis(), Math::max);
        }
        tallies.computeIfAbsent(during, k -> new LongAdder[] {new LongAdder(), new LongAdder()})[ok ? 0 : 1]
                .increment();
    }

    /** Which server answers {@code role} through the gateway now, on a new connection; null when none does in time. */
    String probe(String role, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", rolePorts.get(role)), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write("probe\n".getBytes(StandardCharsets.UTF_8));
            String answer = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            return answer != null && answer.endsWith(" probe") ? answer.substring(0, answer.indexOf(' ')) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** When the last request failed or hung (epoch ms; 0 before any). */
    long lastFailureMs() {
        return lastFailure.get();
    }

    List<RequestTally> tallies() {
        List<RequestTally> list = new ArrayList<>();
        tallies.forEach((name, counts) -> list.add(new RequestTally(name, counts[0].sum(), counts[1].sum())));
        return list;
    }

    List<Hang> hangs() {
        return List.copyOf(hangs);
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(deadline.toMillis() + 3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
