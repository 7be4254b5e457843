package dev.baton.placement.policy;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one round of the {@link PlacementPolicy} decided. Lists are sorted by role id.
 *
 * @param moves publish each as RoleMoved and RoleAssignment ({@link Move#toEvent}, {@link Move#toAssignment})
 * @param unplaced newly unplaced roles: publish each as RoleUnplaced and a server-less RoleAssignment
 * @param held roles that should move but stay (status, recomputed every round)
 * @param rejected refused manual move requests, with the reason
 * @param next the assignments after applying {@code moves} and {@code unplaced}: feed them to the next round once
 *     the events are published (the same instance when nothing changed)
 * @param deferredBecause why nothing was decided this round (e.g. the failure detector is not ready); null when
 *     the round was decided
 */
public record Decision(Instant decidedAt, List<Move> moves, List<Unplacement> unplaced, List<Hold> held,
        List<Rejection> rejected, Assignments next, String deferredBecause) {
    public Decision {
        Objects.requireNonNull(decidedAt, "decidedAt");
        moves = List.copyOf(moves);
        unplaced = List.copyOf(unplaced);
        held = List.copyOf(held);
        rejected = List.copyOf(rejected);
        Objects.requireNonNull(next, "next");
    }

    /** True when there is nothing to publish: no move and no new unplacement. */
    public boolean isEmpty() {
        return moves.isEmpty() && unplaced.isEmpty();
    }
}
