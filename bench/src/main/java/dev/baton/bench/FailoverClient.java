package dev.baton.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A client of the sample plugin through the gateway: one persistent TCP connection, a request line ({@code <seq>})
 * every {@code interval} paced against a fixed schedule, and a reader that records every answer
 * ({@code <serverId> <seq>}): which server answered and when (this JVM's monotonic clock). It behaves like a real
 * client across a failover: when the connection ends (end of stream, reset; the gateway closes a connection that awaits
 * an answer when its host dies, under the in-flight policy {@code close}) it reconnects at once and sends the requests
 * that had no answer on it again, first; it counts the closed connections and the failed and retried requests. It
 * never waits for ever: a connection whose oldest request has no answer within {@code requestTimeout} is closed by the
 * client (counted as hung) and its requests are retried too.
 */
public final class FailoverClient implements AutoCloseable {
    /** Above the gateway's switch timeout (10 s), which bounds how long it holds a client without an upstream. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** One answer. */
    public record Reply(long seq, String server, long sentNanos, long receivedNanos) {
        public long latencyNanos() {
            return receivedNanos - sentNanos;
        }
    }

    /** A connection that ended, and why. */
    public record Disconnect(long atNanos, String cause) {
    }

    private final String host;
    private final int port;
    private final long intervalNanos;
    private final long requestTimeoutNanos;
    private final OutstandingRequests outstanding = new OutstandingRequests();
    private long hungConnections;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition replied = lock.newCondition();
    private final List<Reply> replies = new ArrayList<>();
    private final List<Disconnect> disconnects = new ArrayList<>();
    private final BitSet answered = new BitSet();
    private Latencies latencies = new Latencies();
    private long[] sentAt = new long[1 << 16];
    private long sent;
    private long writeErrors;
    private long lateTicks;
    private long malformed;
    private long maxGapNanos;
    private long maxGapAtNanos;
    private long gapsOverSecond;
    private volatile Connection connection;
    private volatile boolean running = true;
    private final Thread writer;
    private final Thread reader;

    private record Connection(Socket socket, OutputStream out, BufferedReader in) {
    }

    private FailoverClient(String host, int port, Duration interval, Duration requestTimeout) throws IOException {
        this.host = host;
        this.port = port;
        this.intervalNanos = interval.toNanos();
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.connection = connect();
        this.writer = new Thread(this::writeLoop, "bench-client-writer");
        this.reader = new Thread(this::readLoop, "bench-client-reader");
        writer.setDaemon(true);
        reader.setDaemon(true);
    }

    /** Connects and starts sending one line every {@code interval}, with the default request timeout. */
    public static FailoverClient start(String host, int port, Duration interval) throws IOException {
        return start(host, port, interval, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * Connects and starts sending one line every {@code interval}; a connection whose oldest request waits longer
     * than {@code requestTimeout} is closed and its requests are retried on a new one.
     */
    public static FailoverClient start(String host, int port, Duration interval, Duration requestTimeout)
            throws IOException {
        FailoverClient client = new FailoverClient(host, port, interval, requestTimeout);
        client.reader.start();
        client.writer.start();
        return client;
    }

    private Connection connect() throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 2000);
        return new Connection(socket, socket.getOutputStream(),
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)));
    }

    private void writeLoop() {
        long next = System.nanoTime();
        while (running) {
            long now = System.nanoTime();
            if (now < next) {
                LockSupport.parkNanos(next - now);
                continue;
            }
            if (now - next > intervalNanos) {
                // This thread was not scheduled in time: skip the missed slots rather than send a burst.
                lock.lock();
                try {
                    lateTicks++;
                } finally {
                    lock.unlock();
                }
                next = now;
            }
            next += intervalNanos;
            Connection current = connection;
            if (current == null) {
                continue;
            }
            StringBuilder lines = new StringBuilder();
            lock.lock();
            try {
                if (connection != current) {
                    continue;
                }
                long sendNanos = System.nanoTime();
                if (outstanding.oldestWaitNanos(sendNanos) > requestTimeoutNanos) {
                    // A request without an answer for that long: the client gives up on the connection (a hang).
                    hungConnections++;
                    closeQuietly(current);
                    continue;
                }
                for (long retry : outstanding.takeRetries()) {
                    outstanding.sent(retry, sendNanos);
                    lines.append(retry).append('\n');
                }
                long seq = sent++;
                if (seq >= sentAt.length) {
                    sentAt = java.util.Arrays.copyOf(sentAt, sentAt.length * 2);
                }
                sentAt[(int) seq] = sendNanos;
                outstanding.sent(seq, sendNanos);
                lines.append(seq).append('\n');
            } finally {
                lock.unlock();
            }
            try {
                current.out().write(lines.toString().getBytes(StandardCharsets.US_ASCII));
                current.out().flush();
            } catch (IOException e) {
                lock.lock();
                try {
                    writeErrors++;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void readLoop() {
        while (running) {
            Connection current = connection;
            String cause;
            try {
                String line;
                while ((line = current.in().readLine()) != null) {
                    record(line, System.nanoTime());
                }
                cause = "closed by the gateway (end of stream)";
            } catch (IOException e) {
                cause = e.toString();
            }
            if (!running) {
                return;
            }
            long at = System.nanoTime();
            lock.lock();
            try {
                connection = null;
                outstanding.connectionClosed();
                disconnects.add(new Disconnect(at, cause));
            } finally {
                lock.unlock();
            }
            closeQuietly(current);
            while (running) {
                try {
                    connection = connect();
                    break;
                } catch (IOException e) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
        }
    }

    private void record(String line, long now) {
        int space = line.indexOf(' ');
        lock.lock();
        try {
            long seq;
            try {
                seq = space > 0 ? Long.parseLong(line.substring(space + 1)) : -1;
            } catch (NumberFormatException e) {
                seq = -1;
            }
            if (seq < 0 || seq >= sent) {
                malformed++;
                return;
            }
            long sentNanos = sentAt[(int) seq];
            if (!replies.isEmpty()) {
                long gap = now - replies.get(replies.size() - 1).receivedNanos();
                if (gap > maxGapNanos) {
                    maxGapNanos = gap;
                    maxGapAtNanos = now;
                }
                if (gap > TimeUnit.SECONDS.toNanos(1)) {
                    gapsOverSecond++;
                }
            }
            replies.add(new Reply(seq, line.substring(0, space), sentNanos, now));
            answered.set((int) seq);
            outstanding.answered(seq);
            latencies.recordNanos(now - sentNanos);
            replied.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many answers so far: a mark for {@link #awaitReply}. */
    public int replyCount() {
        lock.lock();
        try {
            return replies.size();
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number the next request will carry. */
    public long sentCount() {
        lock.lock();
        try {
            return sent;
        } finally {
            lock.unlock();
        }
    }

    /** The first answer at or after index {@code from} that matches, waiting at most {@code timeout} for it. */
    public Optional<Reply> awaitReply(int from, Predicate<Reply> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            int index = from;
            while (true) {
                for (; index < replies.size(); index++) {
                    if (match.test(replies.get(index))) {
                        return Optional.of(replies.get(index));
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                replied.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Requests in {@code [fromSeq, toSeq)} that got no answer. */
    public int unanswered(long fromSeq, long toSeq) {
        lock.lock();
        try {
            int missing = 0;
            for (long seq = fromSeq; seq < Math.min(toSeq, sent); seq++) {
                if (!answered.get((int) seq)) {
                    missing++;
                }
            }
            return missing;
        } finally {
            lock.unlock();
        }
    }

    /** The answers at index {@code from} and later. */
    public List<Reply> repliesFrom(int from) {
        lock.lock();
        try {
            return List.copyOf(replies.subList(Math.min(from, replies.size()), replies.size()));
        } finally {
            lock.unlock();
        }
    }

    public List<Disconnect> disconnects() {
        lock.lock();
        try {
            return List.copyOf(disconnects);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A snapshot of the counters.
     *
     * @param failedRequests requests without an answer when their connection closed
     * @param retriedRequests those sent again on a new connection
     * @param hungConnections connections the client closed because a request had no answer within the request timeout
     */
    public record Stats(long sent, long answered, long writeErrors, long lateTicks, long malformed, int disconnects,
            long maxGapNanos, long maxGapAtNanos, long gapsOverSecond, String latency, long maxLatencyNanos,
            long failedRequests, long retriedRequests, long hungConnections) {
    }

    public Stats stats() {
        lock.lock();
        try {
            return new Stats(sent, replies.size(), writeErrors, lateTicks, malformed, disconnects.size(), maxGapNanos,
                    maxGapAtNanos, gapsOverSecond, latencies.count() == 0 ? "no answers" : latencies.summaryMillis(),
                    latencies.maxNanos(), outstanding.failed(), outstanding.retried(), hungConnections);
        } finally {
            lock.unlock();
        }
    }

    /** Resets the gap, latency, late-send and write-error statistics (e.g. after a warm-up), keeping the answers. */
    public void resetStatistics() {
        lock.lock();
        try {
            maxGapNanos = 0;
            maxGapAtNanos = 0;
            gapsOverSecond = 0;
            lateTicks = 0;
            writeErrors = 0;
            latencies = new Latencies();
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.socket().close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        running = false;
        Connection current = connection;
        if (current != null) {
            closeQuietly(current);
        }
        writer.interrupt();
        reader.interrupt();
        try {
            writer.join(2000);
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
