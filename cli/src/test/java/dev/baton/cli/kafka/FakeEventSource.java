package dev.baton.cli.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Hands out scripted batches of records, one per poll; a poll with nothing scripted moves its clock by the poll's
 * timeout instead of waiting, so time-outs are tested without waiting.
 */
public final class FakeEventSource implements EventSource {
    private final Deque<List<SourceRecord>> batches = new ArrayDeque<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private boolean stopped;
    private boolean closed;
    private int polls;

    public FakeEventSource batch(SourceRecord... records) {
        batches.add(List.of(records));
        return this;
    }

    public Clock clock() {
        return clock;
    }

    public boolean closed() {
        return closed;
    }

    public int polls() {
        return polls;
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) {
        polls++;
        if (stopped) {
            return List.of();
        }
        if (batches.isEmpty()) {
            clock.advance(timeout);
            return List.of();
        }
        return batches.removeFirst();
    }

    @Override
    public void wakeup() {
        stopped = true;
    }

    @Override
    public boolean stopped() {
        return stopped;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
