package dev.baton.placement.policy;

import dev.baton.events.MoveReason;
import dev.baton.events.RoleState;
import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.detector.ReportedDatabase;
import dev.baton.placement.detector.ReportedRole;
import dev.baton.placement.detector.ServerView;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides where every role runs. Stateless and deterministic: the same input gives the same {@link Decision},
 * roles are visited in role id order, and time is the {@code now} passed in. Thread-safe.
 *
 * <h2>Rules</h2>
 * A server is <em>eligible</em> for a role when it is in the role's list, its state is UP (known to the detector,
 * not DOWN, not in maintenance) and it has not reported the role's database unreachable. Reachability that was
 * never reported counts as reachable: liveness over a rare extra move, because an agent that does not (yet)
 * report a database must not keep a role unplaced; the first "unreachable" report makes the server ineligible.
 * <ol>
 *   <li><b>Manual</b>: a valid {@link ManualMove} wins (MANUAL). It is refused when the target is not in the
 *       role's list, is not eligible, already hosts the role, or when the role forces its highest-priority server
 *       and a higher eligible server would take it straight back.</li>
 *   <li><b>Not placed</b> (new, or unplaced earlier): the first eligible server of the list (INITIAL if the role
 *       never ran, FAILOVER otherwise). With none: an {@link Unplacement} for a new role, nothing for a role
 *       already announced unplaced, so RoleUnplaced is emitted once.</li>
 *   <li><b>Host not eligible</b>: to the first eligible server: FAILOVER when the host is DOWN, unknown to the
 *       detector or cannot reach the database; MAINTENANCE when it is in maintenance (a planned move); MANUAL when
 *       an operator removed it from the role's list. With no eligible server the role is unplaced (epoch + 1, so
 *       the old host's agent stops it).</li>
 *   <li><b>Resume after a fence</b>: the host (eligible, so heard again) reports the role STOPPED at the current
 *       epoch: its agent stopped it when its lease ran out and gives the grant back. The role is assigned to the same
 *       host again at the next epoch (RESUME); it is not a move, not a failure, and costs no restart budget.</li>
 *   <li><b>Resource failure</b>: the host reports the role FAILED at the current epoch: to the first eligible
 *       other server (RESOURCE_FAILURE), at most {@link PolicyConfig#resourceFailureBudget()} times per
 *       {@link PolicyConfig#resourceFailureWindow()}. Beyond the budget, or with no other eligible server, the role
 *       stays on its host and a {@link Hold} says why.</li>
 *   <li><b>Failback</b> (force-highest-priority only): walking the list from the top down to the host, eligible
 *       servers that flap or where the role had a resource failure within the window are skipped; the first
 *       remaining one becomes the target once it has been UP for the role's failback delay (FAILBACK). While that
 *       server is still stabilizing the role waits for it rather than moving twice.</li>
 *   <li>Otherwise the role stays where it is (sticky).</li>
 * </ol>
 * A failback happens only inside the role's failback window (hours of the day, UTC), when it has one; outside it
 * the role stays where it is and the failback is made once the window opens. A role placed on a server but no
 * longer configured (deleted) is unplaced once (MANUAL), so its host stops it.
 *
 * <h2>Cost</h2>
 * O(roles &times; list length &times; log servers): 10,000 roles leaving a dead server decide in milliseconds.
 *
 * <h2>Driving it</h2>
 * <pre>{@code
 * Evaluation evaluation = detector.evaluate(now);
 * Decision decision = policy.decide(roles, evaluation.view(), assignments, manualMoves, now);
 * publish(decision);                 // Move.toEvent / toAssignment, Unplacement.toEvent / toAssignment
 * assignments = decision.next();     // only once published; otherwise decide again next round
 * }</pre>
 */
public final class PlacementPolicy {
    private final PolicyConfig config;

    public PlacementPolicy(PolicyConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public PolicyConfig config() {
        return config;
    }

    /** {@link #decide(Collection, ClusterView, Assignments, List, Instant)} without manual move requests. */
    public Decision decide(Collection<RoleConfig> roles, ClusterView servers, Assignments assignments, Instant now) {
        return decide(roles, servers, assignments, List.of(), now);
    }

    /**
     * Decides one round.
     *
     * @param roles every configured role; a role with a placed assignment but not listed here was deleted and is
     *     unplaced once (its host stops it); its server-less assignment is kept, so a role created again under the
     *     same id continues its epochs
     * @param servers the failure detector's view; when it is not {@link ClusterView#ready() ready} nothing is
     *     decided (a server it does not know yet might merely be unread) and manual moves are refused
     * @param assignments the current assignments, as the previous {@link Decision#next()} left them
     * @param manualMoves operators' requests for this round, in the order received
     * @param now the decision time; also the clock for failback delays and the restart budget
     * @throws IllegalArgumentException when two roles have the same id
     */
    public Decision decide(Collection<RoleConfig> roles, ClusterView servers, Assignments assignments,
            List<ManualMove> manualMoves, Instant now) {
        Objects.requireNonNull(servers, "servers");
        Objects.requireNonNull(assignments, "assignments");
        Objects.requireNonNull(now, "now");
        List<RoleConfig> sorted = new ArrayList<>(roles);
        sorted.sort(Comparator.comparing(RoleConfig::roleId));
        Map<String, RoleConfig> byId = new HashMap<>(sorted.size() * 2);
        for (RoleConfig role : sorted) {
            if (byId.put(role.roleId(), role) != null) {
                throw new IllegalArgumentException("role " + role.roleId() + " is configured twice");
            }
        }
        Round round = new Round(servers, now);
        if (!servers.ready()) {
            for (ManualMove request : manualMoves) {
                round.rejected.add(new Rejection(request, "the placement is starting: retry in a second"));
            }
            return new Decision(now, List.of(), List.of(), List.of(), round.rejected, assignments,
                    "the failure detector is not ready: it is still reading heartbeats");
        }
        Map<String, ManualMove> manual = new HashMap<>();
        for (ManualMove request : manualMoves) {
            if (!byId.containsKey(request.roleId())) {
                round.rejected.add(new Rejection(request, "role " + request.roleId() + " is not configured"));
            } else if (manual.putIfAbsent(request.roleId(), request) != null) {
                round.rejected.add(new Rejection(request,
                        "another manual move of role " + request.roleId() + " is being decided; retry"));
            }
        }
        for (RoleConfig role : sorted) {
            round.decide(role, assignments.find(role.roleId()), manual.get(role.roleId()));
        }
        for (Assignment assignment : assignments.all()) {
            if (assignment.isPlaced() && !byId.containsKey(assignment.roleId())) {
                round.deleted(assignment);
            }
        }
        return new Decision(now, round.moves, round.unplaced, round.held, round.rejected,
                assignments.with(round.changed), null);
    }

    /** The outputs of one round and the helpers that fill them. */
    private final class Round {
        final ClusterView servers;
        final Instant now;
        final List<Move> moves = new ArrayList<>();
        final List<Unplacement> unplaced = new ArrayList<>();
        final List<Hold> held = new ArrayList<>();
        final List<Rejection> rejected = new ArrayList<>();
        final List<Assignment> changed = new ArrayList<>();

        Round(ClusterView servers, Instant now) {
            this.servers = servers;
            this.now = now;
        }

        void decide(RoleConfig role, Assignment current, ManualMove request) {
            if (request != null) {
                String refusal = refuse(role, current, request);
                if (refusal == null) {
                    move(role, current, request.to(), MoveReason.MANUAL,
                            "requested by " + request.requestedBy(), null, false);
                    return;
                }
                rejected.add(new Rejection(request, refusal));
            }
            if (current == null || !current.isPlaced()) {
                place(role, current);
                return;
            }
            String host = current.serverId();
            ServerView view = servers.find(host);
            if (leaveIneligibleHost(role, current, view)) {
                return;
            }
            ReportedRole reported = view.role(role.roleId()).orElse(null);
            if (reported != null && reported.epoch() == current.epoch() && reported.state() == RoleState.STOPPED) {
                move(role, current, host, MoveReason.RESUME, host + " stopped the role when its lease ran out (a"
                        + " fence) and is heard again: granted to it again in place", reported.since(), false);
                return;
            }
            if (reported != null && reported.epoch() == current.epoch() && reported.state() == RoleState.FAILED) {
                resourceFailure(role, current, reported);
                return;
            }
            if (role.forceHighestPriority()) {
                failback(role, current);
            }
        }

        /** A role no longer configured that still has a host: unplaced at the next epoch, so the host stops it. */
        void deleted(Assignment current) {
            long epoch = current.epoch() + 1;
            unplaced.add(new Unplacement(current.roleId(), current.serverId(), current.epoch(), epoch,
                    MoveReason.MANUAL, "role " + current.roleId() + " was deleted from the configuration; "
                            + current.serverId() + " stops it", null));
            changed.add(new Assignment(current.roleId(), epoch, null, List.of()));
        }

        /** A new role, or one announced unplaced earlier. */
        private void place(RoleConfig role, Assignment current) {
            long epoch = current == null ? 0 : current.epoch();
            List<String> skipped = new ArrayList<>();
            String target = firstEligible(role, null, skipped);
            if (target != null) {
                boolean initial = epoch == 0;
                move(role, current, target, initial ? MoveReason.INITIAL : MoveReason.FAILOVER,
                        (initial ? "first placement on " : "placed again on ") + target + Text.skipped(skipped),
                        null, false);
            } else if (current == null) {
                unplaced.add(new Unplacement(role.roleId(), null, 0, 0, MoveReason.INITIAL,
                        "not placed" + Text.noneEligible(skipped, false), null));
                changed.add(new Assignment(role.roleId(), 0, null, List.of()));
            }
            // Already announced unplaced and still nowhere to go: RoleUnplaced is emitted once, not every round.
        }

        /** Moves the role off a host that cannot run it any more; false when the host is fine. */
        private boolean leaveIneligibleHost(RoleConfig role, Assignment current, ServerView view) {
            String host = current.serverId();
            MoveReason reason;
            String cause;
            Instant detectedAt;
            if (!role.lists(host)) {
                reason = MoveReason.MANUAL;
                cause = host + " is no longer in the role's server list";
                detectedAt = null;
            } else {
                Ineligibility problem = Ineligibility.of(role, view);
                if (problem == null) {
                    return false;
                }
                switch (problem) {
                    case UNKNOWN:
                        reason = MoveReason.FAILOVER;
                        cause = host + " has sent no heartbeat since the placement started";
                        detectedAt = now;
                        break;
                    case DOWN:
                        reason = MoveReason.FAILOVER;
                        cause = host + " DOWN: " + view.downCause();
                        detectedAt = view.downSince();
                        break;
                    case MAINTENANCE:
                        reason = MoveReason.MAINTENANCE;
                        cause = host + " entered maintenance";
                        detectedAt = null;
                        break;
                    default:
                        reason = MoveReason.FAILOVER;
                        cause = problem.describe(host) + databaseName(role);
                        detectedAt = view.database(role.roleId()).map(ReportedDatabase::since).orElse(now);
                        break;
                }
            }
            List<String> skipped = new ArrayList<>();
            String target = firstEligible(role, host, skipped);
            if (target != null) {
                move(role, current, target, reason, cause + Text.skipped(skipped), detectedAt, false);
            } else {
                long epoch = current.epoch() + 1;
                unplaced.add(new Unplacement(role.roleId(), host, current.epoch(), epoch, reason,
                        cause + Text.noneEligible(skipped, true), detectedAt));
                changed.add(new Assignment(role.roleId(), epoch, null, recentFailures(current)));
            }
            return true;
        }

        private void resourceFailure(RoleConfig role, Assignment current, ReportedRole reported) {
            String host = current.serverId();
            String failed = "role FAILED on " + host + " at epoch " + current.epoch();
            List<ResourceFailure> recent = recentFailures(current);
            if (recent.size() >= config.resourceFailureBudget()) {
                held.add(new Hold(role.roleId(), host, current.epoch(), MoveReason.RESOURCE_FAILURE,
                        failed + "; restart budget exhausted: " + recent.size() + " resource-failure moves in the last "
                                + Text.duration(config.resourceFailureWindow()) + " (limit "
                                + config.resourceFailureBudget() + "); it stays on " + host));
                return;
            }
            List<String> skipped = new ArrayList<>();
            String target = firstEligible(role, host, skipped);
            if (target == null) {
                held.add(new Hold(role.roleId(), host, current.epoch(), MoveReason.RESOURCE_FAILURE,
                        failed + Text.noneEligible(skipped, true) + "; it stays on " + host));
                return;
            }
            move(role, current, target, MoveReason.RESOURCE_FAILURE, failed + Text.skipped(skipped),
                    reported.since(), true);
        }

        private void failback(RoleConfig role, Assignment current) {
            if (role.failbackWindow() != null && !role.failbackWindow().allows(now.atZone(ZoneOffset.UTC).getHour())) {
                return; // outside the hours the operator allows a failback in; it happens once the window opens
            }
            String host = current.serverId();
            for (String candidate : role.servers()) {
                if (candidate.equals(host)) {
                    return;
                }
                ServerView view = servers.find(candidate);
                if (Ineligibility.of(role, view) != null || view.flapping() || failedRecently(current, candidate)) {
                    continue;
                }
                Duration up = view.upSince() == null ? Duration.ZERO : Duration.between(view.upSince(), now);
                if (up.compareTo(role.failbackDelay()) < 0 || view.upSince() == null) {
                    return; // wait for the highest candidate rather than move twice
                }
                move(role, current, candidate, MoveReason.FAILBACK, candidate + " has been UP for "
                        + Text.duration(up) + " (failback delay " + Text.duration(role.failbackDelay()) + ")",
                        null, false);
                return;
            }
        }

        /** Null when the manual move is acceptable, otherwise the reason it is refused. */
        private String refuse(RoleConfig role, Assignment current, ManualMove request) {
            String to = request.to();
            if (current != null && to.equals(current.serverId())) {
                return "role " + role.roleId() + " already runs on " + to;
            }
            if (!role.lists(to)) {
                return to + " is not in the server list of role " + role.roleId() + " " + role.servers();
            }
            Ineligibility problem = Ineligibility.of(role, servers.find(to));
            if (problem != null) {
                return problem.describe(to) + ": it cannot run role " + role.roleId();
            }
            if (role.forceHighestPriority()) {
                for (String higher : role.servers()) {
                    if (higher.equals(to)) {
                        break;
                    }
                    ServerView view = servers.find(higher);
                    if (Ineligibility.of(role, view) == null && !view.flapping()
                            && (current == null || !failedRecently(current, higher))) {
                        return "role " + role.roleId() + " forces its highest-priority server: a move to " + to
                                + " would be undone by a failback to " + higher + "; put " + higher
                                + " in maintenance instead";
                    }
                }
            }
            return null;
        }

        /** The first eligible server of the role's list other than {@code exclude}; null when there is none. */
        private String firstEligible(RoleConfig role, String exclude, List<String> skipped) {
            for (String candidate : role.servers()) {
                if (candidate.equals(exclude)) {
                    continue;
                }
                Ineligibility problem = Ineligibility.of(role, servers.find(candidate));
                if (problem == null) {
                    return candidate;
                }
                skipped.add(problem.describe(candidate));
            }
            return null;
        }

        private void move(RoleConfig role, Assignment current, String to, MoveReason reason, String cause,
                Instant detectedAt, boolean resourceFailure) {
            String from = current == null ? null : current.serverId();
            long epoch = (current == null ? 0 : current.epoch()) + 1;
            moves.add(new Move(role.roleId(), from, to, epoch, reason, cause, detectedAt));
            List<ResourceFailure> failures = current == null ? List.of() : recentFailures(current);
            if (resourceFailure) {
                failures = new ArrayList<>(failures);
                failures.add(new ResourceFailure(from, now));
            }
            changed.add(new Assignment(role.roleId(), epoch, to, failures));
        }

        /** The role's resource-failure moves inside the budget window ending now. */
        private List<ResourceFailure> recentFailures(Assignment current) {
            Instant cutoff = now.minus(config.resourceFailureWindow());
            List<ResourceFailure> all = current.resourceFailures();
            if (all.isEmpty() || all.get(0).movedAt().isAfter(cutoff)) {
                return all;
            }
            List<ResourceFailure> recent = new ArrayList<>(all.size());
            for (ResourceFailure failure : all) {
                if (failure.movedAt().isAfter(cutoff)) {
                    recent.add(failure);
                }
            }
            return recent;
        }

        private boolean failedRecently(Assignment current, String serverId) {
            for (ResourceFailure failure : recentFailures(current)) {
                if (failure.serverId().equals(serverId)) {
                    return true;
                }
            }
            return false;
        }

        private String databaseName(RoleConfig role) {
            return role.database() == null ? "" : " " + role.database().server();
        }
    }
}
