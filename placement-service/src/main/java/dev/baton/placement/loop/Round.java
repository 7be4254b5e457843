package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.RoleAssignment;
import dev.baton.placement.detector.ServerTransition;
import dev.baton.placement.policy.Assignments;
import dev.baton.placement.policy.Decision;
import dev.baton.placement.policy.Handovers;
import java.util.List;

/**
 * A leader's round, decided and ready to publish in one transaction; applied to the loop's state only once it is
 * committed.
 *
 * @param decision the policy's decision
 * @param next the assignments once the round is committed
 * @param transitions the server transitions the round announces
 * @param manual the manual move requests the decision answers
 * @param endpointUpdates assignment records restating a role's endpoint, part of {@code events}
 * @param notices announcements riding in the round's transaction (safety brake), part of {@code events}: a round
 *     that fails hands them to the next
 * @param events everything the transaction carries, in order
 * @param decideNanos how long deciding took
 * @param proposed the policy's own decision, before planned moves were held back to drain: what a manual move is
 *     answered with (its move is under way once its drain began)
 * @param handover the planned moves' drains and releases of this round, applied once it is committed
 */
record Round(
        Decision decision,
        Assignments next,
        List<ServerTransition> transitions,
        List<ManualMoves.Pending> manual,
        List<RoleAssignment> endpointUpdates,
        List<BatonEvent> notices,
        List<BatonEvent> events,
        long decideNanos,
        Decision proposed,
        Handovers.Round handover) {

    Round {
        transitions = List.copyOf(transitions);
        manual = List.copyOf(manual);
        endpointUpdates = List.copyOf(endpointUpdates);
        notices = List.copyOf(notices);
        events = List.copyOf(events);
    }

    /** Whether the round moves or unplaces a role (and so is logged). */
    boolean movesRoles() {
        return !decision.moves().isEmpty() || !decision.unplaced().isEmpty();
    }
}
