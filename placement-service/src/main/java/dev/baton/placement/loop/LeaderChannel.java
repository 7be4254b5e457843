package dev.baton.placement.loop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's transactional publisher, driven on a worker thread of its own so the loop never waits for Kafka:
 * opening it (which fences earlier leaders), publishing a round, closing it. The worker runs one task at a time in
 * order, so a publisher is closed only after the round it was publishing has settled, and a new one is opened only
 * after the old one is closed.
 *
 * <p>At most one round is in flight. The loop submits a round and learns its outcome in a later round
 * ({@link #settled()}); until then it decides nothing new, so a decision is never made twice, and a round that
 * fails is decided again rather than lost.
 */
final class LeaderChannel {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderChannel.class);

    /** How a submitted round ended. */
    sealed interface Outcome {
        Round round();

        /** How long the publish took, from submission to its outcome. */
        long nanos();
    }

    record Committed(Round round, long nanos) implements Outcome {
    }

    /**
     * The round was not committed. {@code fenced}: the publisher can never commit again; {@code byNewerLeader}: a
     * newer leader fenced it, rather than the publisher breaking on its own (a commit that timed out).
     */
    record Failed(Round round, long nanos, EventPublisher.PublishException error, boolean fenced,
            boolean byNewerLeader) implements Outcome {
    }

    private record InFlight(Round round, CompletableFuture<Void> done, long startedNanos) {
    }

    private final Supplier<EventPublisher> opener;
    private final Executor worker;
    private InFlight inFlight;

    /**
     * @param opener opens a leader's publisher; opening it fences every earlier leader (blocking: run on the worker)
     * @param worker runs the publisher's calls in order, one at a time
     */
    LeaderChannel(Supplier<EventPublisher> opener, Executor worker) {
        this.opener = opener;
        this.worker = worker;
    }

    /** Opens a new publisher on the worker. */
    CompletableFuture<EventPublisher> open() {
        try {
            return CompletableFuture.supplyAsync(opener, worker);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether a round is in flight. */
    boolean busy() {
        return inFlight != null;
    }

    /** Publishes {@code round} with {@code publisher} on the worker; its outcome is taken with {@link #settled()}. */
    void submit(EventPublisher publisher, Round round) {
        if (inFlight != null) {
            throw new IllegalStateException("a round is already in flight");
        }
        CompletableFuture<Void> done;
        try {
            done = CompletableFuture.runAsync(() -> publisher.publish(round.events()), worker);
        } catch (RejectedExecutionException e) {
            done = CompletableFuture.failedFuture(e);
        }
        inFlight = new InFlight(round, done, System.nanoTime());
    }

    /** The outcome of the round in flight once it has one (then the channel is free again), or null. */
    Outcome settled() {
        if (inFlight == null || !inFlight.done().isDone()) {
            return null;
        }
        InFlight settled = inFlight;
        inFlight = null;
        long nanos = System.nanoTime() - settled.startedNanos();
        try {
            settled.done().join();
            return new Committed(settled.round(), nanos);
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof KafkaLeaderPublisher.Fenced fenced) {
                return new Failed(settled.round(), nanos, fenced, true, fenced.byNewerLeader());
            }
            if (cause instanceof EventPublisher.PublishException failed) {
                return new Failed(settled.round(), nanos, failed, false, false);
            }
            // Anything else (a bug, a rejected task) leaves the publisher in doubt: never use it again.
            return new Failed(settled.round(), nanos,
                    new EventPublisher.PublishException("publishing failed: " + cause, cause), true, false);
        }
    }

    /** Closes {@code publisher} on the worker, after whatever it is still doing. */
    void close(EventPublisher publisher) {
        if (!(publisher instanceof AutoCloseable closeable)) {
            return;
        }
        Runnable close = () -> {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("closing the leader's publisher failed: {}", e.toString());
            }
        };
        try {
            worker.execute(close);
        } catch (RejectedExecutionException e) {
            close.run();
        }
    }
}
