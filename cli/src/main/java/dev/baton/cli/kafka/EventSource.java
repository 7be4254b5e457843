package dev.baton.cli.kafka;

import java.time.Duration;
import java.util.List;

/** Records of the followed topics, as they arrive. The real one is {@link KafkaEventSource}. */
public interface EventSource extends AutoCloseable {
    /** The next records, waiting at most {@code timeout}; empty when none came or after {@link #wakeup()}. */
    List<SourceRecord> poll(Duration timeout);

    /** Ends a {@link #poll} in progress and every later one; safe from any thread (Ctrl-C). */
    void wakeup();

    /** Whether {@link #wakeup()} was called. */
    boolean stopped();

    @Override
    void close();
}
