package dev.baton.placement.policy;

import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.detector.ReportedRole;
import dev.baton.placement.detector.ServerView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a role serves, as an operator needs to know it: its actual state and, whenever it does not serve, why.
 * Derived each round from the configuration, the assignment, what the host reports and the policy's holds, so a
 * role is never silently dead: a role held on a failed host, unplaced, or assigned to a host that does not run it
 * says so. Pure.
 *
 * @param state what the role is doing now
 * @param reason a readable sentence; null only when the role is RUNNING
 */
public record RoleStatus(State state, String reason) {
    /** The actual state of a role, whatever the assignment says. */
    public enum State {
        /** Its host reports it RUNNING at the assigned epoch. */
        RUNNING,
        /** Assigned, not running yet: starting, not yet reported, or being granted again after a fence. */
        STARTING,
        /** Its host reports it FAILED at the assigned epoch, or its host is not heard any more. */
        FAILED,
        /** No server runs it: none is eligible, or it was never placed. */
        UNPLACED,
        /**
         * It should move but the placement holds it where it is: restart budget exhausted, nowhere else to go, or
         * the safety brake holds failovers while its host is silent.
         */
        HELD
    }

    public RoleStatus {
        Objects.requireNonNull(state, "state");
    }

    /** Whether clients are served. */
    public boolean serving() {
        return state == State.RUNNING;
    }

    /**
     * The status of {@code role}.
     *
     * @param assignment its current assignment, null when it has none yet
     * @param hold the policy's hold of this role in the latest round, or null
     */
    public static RoleStatus of(RoleConfig role, Assignment assignment, ClusterView view, Hold hold) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(view, "view");
        if (hold != null) {
            return new RoleStatus(State.HELD, hold.cause());
        }
        if (assignment == null || !assignment.isPlaced()) {
            return new RoleStatus(State.UNPLACED, unplacedBecause(role, assignment, view));
        }
        String host = assignment.serverId();
        if (view.safetyBrake() != null && view.safetyBrake().silent().contains(host)) {
            return new RoleStatus(State.HELD, "safety brake: " + view.safetyBrake().describe());
        }
        ServerView server = view.find(host);
        Ineligibility problem = Ineligibility.of(role, server);
        if (problem == Ineligibility.DOWN || problem == Ineligibility.UNKNOWN) {
            return new RoleStatus(State.FAILED, problem.describe(host)
                    + (server != null && server.downCause() != null ? ": " + server.downCause() : "")
                    + "; the role moves as soon as another server is eligible");
        }
        ReportedRole reported = server.role(role.roleId()).orElse(null);
        if (reported == null || reported.epoch() != assignment.epoch()) {
            return new RoleStatus(State.STARTING, "assigned to " + host + " at epoch " + assignment.epoch()
                    + "; " + host + " has not reported it yet");
        }
        return switch (reported.state()) {
            case RUNNING -> new RoleStatus(State.RUNNING, null);
            case STARTING -> new RoleStatus(State.STARTING, "starting on " + host + " at epoch " + assignment.epoch());
            case STOPPED -> new RoleStatus(State.STARTING, "stopped on " + host + " by a fence (its lease ran out);"
                    + " being granted to it again");
            case STOPPING -> new RoleStatus(State.STARTING, "stopping on " + host + " at epoch " + assignment.epoch());
            case FAILED -> new RoleStatus(State.FAILED, "FAILED on " + host + " at epoch " + assignment.epoch()
                    + "; the placement moves it");
        };
    }

    /** How many of {@code roles} do not serve now (any state but RUNNING). */
    public static int notServing(Collection<RoleConfig> roles, Assignments assignments, ClusterView view,
            List<Hold> held) {
        Map<String, Hold> holds = new HashMap<>();
        held.forEach(hold -> holds.put(hold.roleId(), hold));
        int count = 0;
        for (RoleConfig role : roles) {
            if (!of(role, assignments.find(role.roleId()), view, holds.get(role.roleId())).serving()) {
                count++;
            }
        }
        return count;
    }

    private static String unplacedBecause(RoleConfig role, Assignment assignment, ClusterView view) {
        if (!view.ready()) {
            return "the placement is starting: it decides once it has read heartbeats for a failure timeout";
        }
        if (role.servers().isEmpty()) {
            return "the role lists no servers";
        }
        List<String> why = new ArrayList<>();
        boolean allDownOrMaintenance = true;
        boolean anyDatabaseUnreachable = false;
        for (String serverId : role.servers()) {
            Ineligibility problem = Ineligibility.of(role, view.find(serverId));
            if (problem == null) {
                return assignment == null ? "not placed yet: " + serverId + " is eligible"
                        : "being placed: " + serverId + " is eligible";
            }
            allDownOrMaintenance &= problem != Ineligibility.DATABASE_UNREACHABLE;
            anyDatabaseUnreachable |= problem == Ineligibility.DATABASE_UNREACHABLE;
            why.add(problem.describe(serverId));
        }
        String summary = allDownOrMaintenance ? "every server is down or in maintenance"
                : anyDatabaseUnreachable && why.stream().allMatch(w -> w.endsWith("database"))
                        ? "no server reaches the database" : "no server is eligible";
        return summary + ": " + String.join(", ", why);
    }
}
