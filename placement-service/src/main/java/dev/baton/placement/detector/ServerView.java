package dev.baton.placement.detector;

import dev.baton.events.ServerKind;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the placement knows about one server at an evaluation: its state, identity and what its current
 * incarnation last reported. Immutable.
 *
 * @param state UP, DOWN or MAINTENANCE (maintenance wins over liveness)
 * @param alive the liveness verdict alone, regardless of maintenance: false once declared DOWN, true again with
 *     the next heartbeat
 * @param incarnation the agent incarnation whose reports this view holds
 * @param host the address the server advertises for its roles
 * @param kind MAIN or EXPANSION, as the agent declares it
 * @param lastSequence sequence of the latest accepted heartbeat
 * @param lastHeartbeatAt send time ({@code Heartbeat.occurredAt}) of the latest accepted heartbeat
 * @param lastRecordAt record timestamp of the latest accepted heartbeat: the instant liveness is judged from
 * @param upSince start of the current uninterrupted stretch in state UP (reset by a DOWN, an agent restart and
 *     the end of a maintenance); null unless {@code state} is UP. The failback stabilization delay counts from it
 * @param downSince when the server was declared DOWN; null while alive
 * @param downCause the readable reason it was declared DOWN, e.g. "no heartbeat for 812 ms (timeout 700 ms)";
 *     null while alive
 * @param recentDowns DOWN transitions within the flap window before the evaluation
 * @param flapping {@code recentDowns} exceeds the flap threshold: not a failback target until it calms down
 * @param roles the hosted roles the current incarnation last reported, sorted by role id
 * @param databases database reachability per role as the current incarnation last reported it, sorted by role id
 */
public record ServerView(
        String serverId,
        ServerState state,
        boolean alive,
        String incarnation,
        String host,
        ServerKind kind,
        long lastSequence,
        Instant lastHeartbeatAt,
        Instant lastRecordAt,
        Instant upSince,
        Instant downSince,
        String downCause,
        int recentDowns,
        boolean flapping,
        List<ReportedRole> roles,
        List<ReportedDatabase> databases) {

    public ServerView {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(incarnation, "incarnation");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(lastHeartbeatAt, "lastHeartbeatAt");
        Objects.requireNonNull(lastRecordAt, "lastRecordAt");
        roles = SortedById.isSorted(roles, ReportedRole::roleId)
                ? List.copyOf(roles) : SortedById.sorted(roles, ReportedRole::roleId);
        databases = SortedById.isSorted(databases, ReportedDatabase::roleId)
                ? List.copyOf(databases) : SortedById.sorted(databases, ReportedDatabase::roleId);
    }

    /** The role as this server last reported it, if it reported it. O(log n). */
    public Optional<ReportedRole> role(String roleId) {
        return Optional.ofNullable(SortedById.find(roles, ReportedRole::roleId, roleId));
    }

    /** This server's last report about the role's database, if any. O(log n). */
    public Optional<ReportedDatabase> database(String roleId) {
        return Optional.ofNullable(SortedById.find(databases, ReportedDatabase::roleId, roleId));
    }

    /**
     * False only when the server reported the role's database unreachable. No report counts as reachable: an
     * agent reports reachability for the roles it knows, and an unknown value must not keep a role unplaced.
     */
    public boolean reachesDatabaseOf(String roleId) {
        ReportedDatabase reported = SortedById.find(databases, ReportedDatabase::roleId, roleId);
        return reported == null || reported.reachable();
    }

    public ServerIdentity identity() {
        return new ServerIdentity(serverId, host, kind);
    }
}
