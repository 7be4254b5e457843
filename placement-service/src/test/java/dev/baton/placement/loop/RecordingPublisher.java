package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A leader's publisher that records each committed round; a test can make the next publish fail. Closing it is
 * recorded.
 */
final class RecordingPublisher implements EventPublisher, AutoCloseable {
    private final List<List<BatonEvent>> committed = new ArrayList<>();
    private Function<List<? extends BatonEvent>, RuntimeException> nextFailure;
    private boolean closed;

    @Override
    public synchronized void publish(List<? extends BatonEvent> events) {
        if (closed) {
            throw new IllegalStateException("publish on a closed publisher");
        }
        if (nextFailure != null) {
            RuntimeException failure = nextFailure.apply(events);
            nextFailure = null;
            throw failure;
        }
        committed.add(List.copyOf(events));
    }

    synchronized void failNext(Function<List<? extends BatonEvent>, RuntimeException> failure) {
        this.nextFailure = failure;
    }

    synchronized List<List<BatonEvent>> committed() {
        return List.copyOf(committed);
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    synchronized boolean closed() {
        return closed;
    }
}
