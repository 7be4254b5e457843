package dev.baton.audit.query;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the {@code failover_timeline} view: a move and what followed it. Absent steps and the durations
 * that need them are null.
 *
 * @param connectionsIdle of {@code connectionsMoved}, those the gateways re-pointed with no request in flight; null
 *     when no gateway reported the in-flight counts
 * @param connectionsReplayed of {@code connectionsMoved}, those whose unanswered requests were resent
 * @param connectionsClosedAwaiting connections the gateways closed because they awaited an answer from the old host
 * @param connectionsDrained of {@code connectionsMoved}, those that got their answer from the old host of a planned
 *     move while draining
 * @param drainMs the longest drain any gateway reported for the move
 * @param drainStartedAt when the placement asked the gateways to drain the role before this planned move; null when
 *     the move did not drain (unplanned, or no gateway was alive)
 * @param gatewaysDrained how many gateways reported the drain done; null without a drain
 * @param drainWaitMs how long the placement waited for the drain before committing the move
 */
public record FailoverTimeline(
        UUID moveEventId,
        String roleId,
        long epoch,
        String fromServer,
        String toServer,
        String reason,
        String cause,
        Instant movedAt,
        Instant serverDownDetectedAt,
        Instant drainStartedAt,
        Long gatewaysDrained,
        Long drainWaitMs,
        Instant decidedAt,
        Instant runningAt,
        Instant clientsReconnectedAt,
        Long connectionsMoved,
        Long connectionsIdle,
        Long connectionsReplayed,
        Long connectionsClosedAwaiting,
        Long connectionsDrained,
        Long drainMs,
        Long detectToDecideMs,
        Long decideToRunningMs,
        Long runningToReconnectedMs,
        Long totalMs) {
}
