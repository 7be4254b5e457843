package dev.baton.placement.detector;

import java.time.Instant;
import java.util.Objects;

/**
 * How far the heartbeat consumer has read, reported by the consumer loop after every poll (also after an empty
 * one). The detector judges silence against {@link #readThrough()}, never against the wall clock alone: after a
 * pause of the placement-service, servers whose heartbeats are still waiting in the backlog stay UP until the
 * backlog has been read.
 *
 * <p>How to compute it, for a consumer that {@code assign}s every partition of the heartbeat topic (no consumer
 * group, so no rebalance can hide a partition): for each partition take the instant the poll started when the
 * partition's lag is 0 after the poll, otherwise the record timestamp of the last record delivered from it; then
 * take the minimum over the partitions. Record timestamps should be broker append times
 * ({@code message.timestamp.type=LogAppendTime} on the heartbeat topic) so one clock orders them.
 *
 * @param readThrough every heartbeat record with a timestamp at or before this instant has been handed to
 *     {@link FailureDetector#onHeartbeat}
 * @param caughtUp the consumer's lag was 0 on every partition after the poll
 */
public record ConsumerProgress(Instant readThrough, boolean caughtUp) {
    public ConsumerProgress {
        Objects.requireNonNull(readThrough, "readThrough is missing");
    }

    /** Lag 0 on every partition after a poll that started at {@code pollStartedAt}. */
    public static ConsumerProgress caughtUp(Instant pollStartedAt) {
        return new ConsumerProgress(pollStartedAt, true);
    }

    /** Records are still waiting; everything up to {@code readThrough} (a record timestamp) has been read. */
    public static ConsumerProgress behind(Instant readThrough) {
        return new ConsumerProgress(readThrough, false);
    }
}
