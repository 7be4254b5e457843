package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.detector.ServerTransition;
import dev.baton.placement.policy.Assignments;
import dev.baton.placement.policy.Decision;
import dev.baton.placement.policy.Handovers;
import dev.baton.placement.policy.Move;
import dev.baton.placement.policy.PlacementPolicy;
import dev.baton.placement.policy.RoleConfig;
import dev.baton.placement.policy.Unplacement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns what the loop knows into a {@link Round}: the policy's decision and the events that carry it. No I/O and
 * no state of its own beyond the policy: the round is applied by the loop once it is committed.
 */
final class Decider {
    private final PlacementPolicy policy;

    Decider(PlacementPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param notices announcements that ride in the round's transaction after the decision (safety brake)
     * @param probe a fence probe to commit with the round, or none
     */
    Round decide(Instant now, List<ServerTransition> transitions, List<RoleConfig> roles, ClusterView view,
            AssignmentBook book, Handovers handovers, List<ManualMoves.Pending> manual, List<BatonEvent> notices,
            List<BatonEvent> probe) {
        long started = System.nanoTime();
        List<BatonEvent> events = new ArrayList<>();
        for (ServerTransition transition : transitions) {
            events.add(transition.toEvent(UUID.randomUUID()));
        }
        Decision proposed = policy.decide(roles, view, book.current(), ManualMoves.requests(manual), now);
        // Planned moves drain through the gateways before they are committed, and start on the new host only once
        // the old one stopped the role.
        Handovers.Round handover = handovers.round(proposed, book.current(), view, now);
        Decision decision = handover.decision();
        for (Move move : decision.moves()) {
            if (move.reason() != MoveReason.RESUME) {
                // A resume grants the role to the host it is on: an assignment, no RoleMoved (nothing moved).
                events.add(move.toEvent(UUID.randomUUID(), now));
            }
            events.add(handover.assignment(move, UUID.randomUUID(), now));
        }
        events.addAll(handover.events());
        for (Unplacement unplacement : decision.unplaced()) {
            events.add(unplacement.toEvent(UUID.randomUUID(), now));
            events.add(unplacement.toAssignment(UUID.randomUUID(), now));
        }
        Assignments next = decision.next();
        List<RoleAssignment> endpointUpdates = book.endpointUpdates(next, view, now);
        events.addAll(endpointUpdates);
        events.addAll(notices);
        events.addAll(probe);
        return new Round(decision, next, transitions, manual, endpointUpdates, notices, events,
                System.nanoTime() - started, proposed, handover);
    }
}
