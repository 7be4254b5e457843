package dev.baton.audit.query;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the {@code failover_timeline} view: a move and what followed it. Absent steps and the durations
 * that need them are null.
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
        Instant decidedAt,
        Instant runningAt,
        Instant clientsReconnectedAt,
        Long connectionsMoved,
        Long detectToDecideMs,
        Long decideToRunningMs,
        Long runningToReconnectedMs,
        Long totalMs) {
}
