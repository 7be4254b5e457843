package dev.baton.placement.loop;

import dev.baton.placement.detector.SafetyBrake;
import dev.baton.placement.detector.StreamGap;
import dev.baton.placement.policy.Hold;
import dev.baton.placement.detector.ServerTransition;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's log lines about what it sees and holds: each stream gap, safety-brake change, hold and deferral once,
 * each server transition as it is announced.
 */
final class Notices {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementLoop.class);

    private final LoopMetrics metrics;
    private StreamGap lastStreamGap;
    private SafetyBrake.Engaged lastBrake;
    private Set<Hold> lastHolds = Set.of();
    private String lastDeferral;

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

    /**
     * Logs the safety brake going on or off, once each, and sets its gauge.
     *
     * @return whether the brake changed since the previous call
     */
    boolean safetyBrake(SafetyBrake.Engaged brake) {
        if (Objects.equals(brake, lastBrake)) {
            return false;
        }
        if (brake != null) {
            LOG.warn("Safety brake on: {}", brake.describe());
        } else {
            LOG.info("Safety brake off: the silent servers are heard again (or an operator released it); failovers"
                    + " resume");
        }
        lastBrake = brake;
        metrics.safetyBrake.set(brake == null ? 0 : 1);
        return true;
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
