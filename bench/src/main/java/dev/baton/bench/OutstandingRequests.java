package dev.baton.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests a client sent on its current connection and has no answer to yet, and those it must send again: what
 * a real client does when its connection is closed under a request (the gateway's in-flight policy {@code close}) is
 * to reconnect and retry. Times are monotonic nanoseconds passed in; not thread-safe (the client holds its lock).
 */
final class OutstandingRequests {
    /** seq → when it was last sent, in sending order. */
    private final LinkedHashMap<Long, Long> outstanding = new LinkedHashMap<>();
    private final ArrayDeque<Long> toRetry = new ArrayDeque<>();
    private long failed;
    private long retried;

    /** Request {@code seq} was written at {@code nanos} (first time or again). */
    void sent(long seq, long nanos) {
        outstanding.put(seq, nanos);
    }

    /** Request {@code seq} was answered. */
    void answered(long seq) {
        outstanding.remove(seq);
        toRetry.remove(seq);
    }

    /** The connection closed: every request without an answer on it failed and is sent again on the next one. */
    void connectionClosed() {
        failed += outstanding.size();
        toRetry.addAll(outstanding.keySet());
        outstanding.clear();
    }

    /** The failed requests to send again now, oldest first; each counts as retried. */
    List<Long> takeRetries() {
        List<Long> out = new ArrayList<>(toRetry);
        retried += out.size();
        toRetry.clear();
        return out;
    }

    /** How long the oldest request on the current connection has waited at {@code now}; 0 when none waits. */
    long oldestWaitNanos(long now) {
        Iterator<Map.Entry<Long, Long>> first = outstanding.entrySet().iterator();
        return first.hasNext() ? Math.max(0, now - first.next().getValue()) : 0;
    }

    /** Requests that were without an answer when their connection closed. */
    long failed() {
        return failed;
    }

    /** Requests sent again on a new connection. */
    long retried() {
        return retried;
    }
}
