package dev.baton.placement.loop;

import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleState;
import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.detector.ReportedRole;
import dev.baton.placement.detector.ServerView;
import dev.baton.placement.policy.Assignment;
import dev.baton.placement.policy.Assignments;
import dev.baton.placement.policy.Move;
import dev.baton.placement.policy.Unplacement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The assignment of every role as this instance knows it: the leader's own committed decisions, or, on a standby,
 * the leader's as read from role-assignments. Also remembers why each role is where it is and which endpoint was
 * last published for it, so a role's endpoint is republished once when its host reports it.
 */
final class AssignmentBook {
    private final Map<String, Endpoint> publishedEndpoints = new HashMap<>();
    private final Map<String, MoveReason> reasons = new HashMap<>();
    private Assignments assignments = Assignments.empty();

    Assignments current() {
        return assignments;
    }

    /** A leader's decision read from role-assignments (on a standby): applied unless older than what is known. */
    void applyLeaders(RoleAssignment assignment) {
        Assignment known = assignments.get(assignment.roleId()).orElse(null);
        if (known != null && assignment.epoch() < known.epoch()) {
            return;
        }
        Assignment next = assignment.serverId() == null
                ? Assignment.unplaced(assignment.roleId(), assignment.epoch())
                : Assignment.placed(assignment.roleId(), assignment.epoch(), assignment.serverId());
        assignments = assignments.with(List.of(next));
        reasons.put(assignment.roleId(), assignment.reason());
        if (assignment.endpoint() != null) {
            publishedEndpoints.put(assignment.roleId(), assignment.endpoint());
        } else if (known == null || known.epoch() != assignment.epoch()) {
            publishedEndpoints.remove(assignment.roleId());
        }
    }

    /**
     * Once a role's host reports it RUNNING at the assigned epoch, the compacted assignment record is republished
     * with the endpoint, so any reader bootstrapping from the topic learns where the role answers. Pure: the
     * updates are remembered only when their round is committed ({@link #commit}).
     */
    List<RoleAssignment> endpointUpdates(Assignments next, ClusterView view, Instant now) {
        List<RoleAssignment> updates = new ArrayList<>();
        for (Assignment assignment : next.all()) {
            if (!assignment.isPlaced()) {
                continue;
            }
            ServerView host = view.find(assignment.serverId());
            ReportedRole reported = host == null ? null : host.role(assignment.roleId()).orElse(null);
            if (reported == null || reported.epoch() != assignment.epoch() || reported.state() != RoleState.RUNNING
                    || reported.endpoint() == null) {
                continue;
            }
            Endpoint published = assignment.epoch() == epochOf(assignment.roleId())
                    ? publishedEndpoints.get(assignment.roleId()) : null;
            if (!reported.endpoint().equals(published)) {
                updates.add(new RoleAssignment(UUID.randomUUID(), now, assignment.roleId(), assignment.epoch(),
                        assignment.serverId(), reported.endpoint(), reasons.getOrDefault(assignment.roleId(),
                                MoveReason.INITIAL)));
            }
        }
        return updates;
    }

    private long epochOf(String roleId) {
        return assignments.get(roleId).map(Assignment::epoch).orElse(-1L);
    }

    /** A leader's round was committed: its assignments hold from now on. */
    void commit(Round round) {
        assignments = round.next();
        for (Move move : round.decision().moves()) {
            publishedEndpoints.remove(move.roleId());
            reasons.put(move.roleId(), move.reason());
        }
        for (Unplacement unplacement : round.decision().unplaced()) {
            publishedEndpoints.remove(unplacement.roleId());
            reasons.put(unplacement.roleId(), unplacement.reason());
        }
        for (RoleAssignment update : round.endpointUpdates()) {
            publishedEndpoints.put(update.roleId(), update.endpoint());
        }
    }

    /** Forgets a role's recent resource failures; returns how many, or -1 when the role has no assignment. */
    int resetBudget(String roleId) {
        Assignment current = assignments.find(roleId);
        if (current == null) {
            return -1;
        }
        assignments = assignments.with(List.of(new Assignment(roleId, current.epoch(), current.serverId(), List.of())));
        return current.resourceFailures().size();
    }
}
