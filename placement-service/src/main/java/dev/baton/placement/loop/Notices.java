package dev.baton.placement.loop;

import dev.baton.events.SafetyBrakeEngaged;
import dev.baton.events.SafetyBrakeEvent;
import dev.baton.events.SafetyBrakeReleased;
import dev.baton.placement.detector.SafetyBrake;
import dev.baton.placement.detector.StreamGap;
import dev.baton.placement.policy.Decision;
import dev.baton.placement.policy.Hold;
import dev.baton.placement.policy.Move;
import dev.baton.placement.policy.Unplacement;
import dev.baton.placement.detector.ServerTransition;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's log lines and meters about what it sees, holds and commits: each stream gap, safety-brake change,
 * hold and deferral once, each server transition as it is announced, each committed move. A safety-brake change
 * is also turned into the server event the leader announces.
 */
final class Notices {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementLoop.class);

    private final LoopMetrics metrics;
    private StreamGap lastStreamGap;
    private SafetyBrake.Engaged lastBrake;
    private Set<Hold> lastHolds = Set.of();
    private String lastDeferral;
    private String releasedBy;

    Notices(LoopMetrics metrics) {
        this.metrics = metrics;
    }

    void streamGap(StreamGap gap) {
        if (gap != null && !gap.equals(lastStreamGap)) {
            lastStreamGap = gap;
            LOG.warn("The broker appended nothing for {} ms (from {} to {}): no server is judged by its silence in"
                    + " that time; every server gets a full failure timeout from {}", gap.length().toMillis(),
                    gap.from(), gap.to(), gap.to());
        }
    }

    /** An operator released the brake: the release is announced as theirs. */
    void brakeReleasedBy(String by) {
        releasedBy = by;
    }

    /**
     * Logs the safety brake going on or off, once each, and sets its gauge.
     *
     * @return the server event announcing the change, or empty when the brake did not change
     */
    Optional<SafetyBrakeEvent> safetyBrake(SafetyBrake.Engaged brake, String instanceId, Instant now) {
        if (Objects.equals(brake, lastBrake)) {
            return Optional.empty();
        }
        SafetyBrakeEvent event;
        if (brake != null) {
            LOG.warn("Safety brake on: {}", brake.describe());
            event = new SafetyBrakeEngaged(UUID.randomUUID(), now, instanceId, brake.since(),
                    brake.silent().stream().sorted().toList(), brake.heard(), brake.describe());
        } else {
            String reason = releasedBy == null
                    ? "the silent servers are heard again; failovers resume"
                    : "released by " + releasedBy + ": the servers still silent are declared DOWN";
            LOG.info("Safety brake off: {}", reason);
            event = new SafetyBrakeReleased(UUID.randomUUID(), now, instanceId, releasedBy, reason);
        }
        releasedBy = null;
        lastBrake = brake;
        metrics.safetyBrake.set(brake == null ? 0 : 1);
        return Optional.of(event);
    }

    /** A committed round: its moves and unplacements counted and logged. */
    void committed(Round round, long publishNanos) {
        Decision decision = round.decision();
        if (round.movesRoles()) {
            LOG.info("Round at {}: {} moves and {} unplacements decided in {} ms; {} events committed in one "
                    + "transaction in {} ms", decision.decidedAt(), decision.moves().size(), decision.unplaced().size(),
                    round.decideNanos() / 1_000_000, round.events().size(), publishNanos / 1_000_000);
        }
        for (Move move : decision.moves()) {
            metrics.moves(move.reason()).increment();
            LOG.info("Role {}: {} {} -> {} at epoch {} ({})", move.roleId(), move.reason(),
                    move.from() == null ? "(nowhere)" : move.from(), move.to(), move.epoch(), move.cause());
        }
        for (Unplacement unplacement : decision.unplaced()) {
            metrics.unplaced.increment();
            LOG.warn("Role {}: unplaced at epoch {} ({})", unplacement.roleId(), unplacement.epoch(), unplacement.cause());
        }
    }

    void holds(List<Hold> holds) {
        for (Hold hold : holds) {
            if (!lastHolds.contains(hold)) {
                LOG.info("Role {}: held on {} at epoch {}, {} waits: {}", hold.roleId(),
                        hold.serverId() == null ? "(nowhere)" : hold.serverId(), hold.epoch(), hold.wanted(), hold.cause());
            }
        }
        lastHolds = Set.copyOf(holds);
    }

    void deferral(String deferredBecause) {
        if (deferredBecause != null && !deferredBecause.equals(lastDeferral)) {
            LOG.info("Placement deferred: {}", deferredBecause);
        }
        lastDeferral = deferredBecause;
    }

    void transition(ServerTransition transition) {
        if (transition instanceof ServerTransition.Joined joined) {
            LOG.info("Server {} joined (incarnation {}, {} {})", joined.serverId(), joined.incarnation(), joined.kind(),
                    joined.host());
        } else if (transition instanceof ServerTransition.Up up) {
            LOG.info("Server {} is UP again (incarnation {})", up.serverId(), up.incarnation());
        } else if (transition instanceof ServerTransition.Down down) {
            LOG.warn("Server {} is DOWN: {}", down.serverId(), down.cause());
        }
    }
}
