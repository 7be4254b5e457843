package dev.baton.placement.detector;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of {@link FailureDetector#evaluate}: what changed since the previous evaluation and the current view.
 *
 * @param transitions in the order they happened: joins and recoveries as their heartbeats were read, then the
 *     servers declared DOWN by this evaluation, by server id
 * @param view every known server, to hand to the placement policy
 * @param deferredBecause why no server was judged DOWN this round (the loop was late, or no consumer progress has
 *     been reported yet); null when the round was judged
 */
public record Evaluation(Instant evaluatedAt, List<ServerTransition> transitions, ClusterView view,
        String deferredBecause) {
    public Evaluation {
        Objects.requireNonNull(evaluatedAt, "evaluatedAt");
        transitions = List.copyOf(transitions);
        Objects.requireNonNull(view, "view");
    }

    /** True when this round did not judge silence (see {@link #deferredBecause()}). */
    public boolean deferred() {
        return deferredBecause != null;
    }
}
