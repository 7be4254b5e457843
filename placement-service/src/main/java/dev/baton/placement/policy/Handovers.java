package dev.baton.placement.policy;

import dev.baton.events.BatonEvent;
import dev.baton.events.GatewayHeartbeat;
import dev.baton.events.MoveReason;
import dev.baton.events.ProxyDrained;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleDraining;
import dev.baton.events.RoleState;
import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.detector.ReportedRole;
import dev.baton.placement.detector.ServerView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Planned moves in three steps, so that clients lose nothing and a role never runs on two servers at once:
 * <ol>
 *   <li><b>Drain.</b> A planned move (MAINTENANCE, which includes an agent's planned leave, FAILBACK, MANUAL) away
 *       from a live host is not committed at once: a {@link RoleDraining} asks every gateway to take the role's
 *       clients off the old host (new bytes held, owed answers awaited), and the move waits until every gateway
 *       heard within the gateway timeout when the drain began has reported {@link ProxyDrained}, or until the
 *       longest drain timeout those gateways announce plus a grace has passed. With no live gateway the move is
 *       committed at once.</li>
 *   <li><b>Break.</b> The move is committed (RoleMoved, RoleAssignment at the next epoch) with
 *       {@code handoverFrom} naming the old host: the old host stops the role on reading it, the new host waits.</li>
 *   <li><b>Make.</b> Once the old host no longer reports the role starting, running or stopping (it stopped, it
 *       restarted, it was declared DOWN or is gone), or the stop timeout passed, the same assignment is published
 *       again without {@code handoverFrom}, and the new host starts the role.</li>
 * </ol>
 * Unplanned moves pass through untouched (the old host is DOWN or reported the role FAILED), except that while an
 * old host may still run the role every assignment of it carries {@code handoverFrom}. A drain, once begun, ends
 * in its move even if the policy stops asking for it (maintenance ended meanwhile, a manual move asked once): the
 * gateways hold the role's clients for it. It is dropped only when the role's assignment changed otherwise.
 *
 * <p>Pure: no Kafka, time passed in. {@link #round} proposes; {@link #committed} applies a round once its events
 * are published, so a round that fails to publish is decided again. Not thread-safe: the placement loop's thread.
 */
public final class Handovers {
    private static final Logger LOG = LoggerFactory.getLogger(Handovers.class);

    /**
     * @param gatewayTimeout a gateway not heard for this long is not waited for
     * @param drainGrace added to the longest drain timeout of the awaited gateways: time for their reports to arrive
     * @param stopTimeout how long the new host waits for the old one to report the role stopped before it is
     *     released anyway
     */
    public record Settings(Duration gatewayTimeout, Duration drainGrace, Duration stopTimeout) {
        public Settings {
            Objects.requireNonNull(gatewayTimeout, "gatewayTimeout");
            Objects.requireNonNull(drainGrace, "drainGrace");
            Objects.requireNonNull(stopTimeout, "stopTimeout");
        }

        /** Gateways heartbeat every 500 ms; an agent stops a plugin within its stop grace (2 s by default). */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(15));
        }
    }

    private record Gateway(Instant lastHeard, Duration drainTimeout) {
    }

    private record RoleEpoch(String roleId, long epoch) {
    }

    /** A planned move waiting for the gateways: the role is at {@code epoch} on {@code move.from()}. */
    record Drain(Move move, long epoch, Instant since, Set<String> awaited, Instant bound) {
    }

    /** A committed move whose old host may still run the role. */
    record Release(String roleId, String from, long epoch, String to, MoveReason reason, Instant since) {
    }

    /**
     * One round's proposal.
     *
     * @param decision the policy's decision with the moves still draining taken out (and {@code next} without them),
     *     and drained moves the policy no longer repeats put in
     * @param drains RoleDraining events to publish
     * @param releases assignments to publish again without {@code handoverFrom}: their old host no longer runs them
     */
    public record Round(Decision decision, List<RoleDraining> drains, List<RoleAssignment> releases,
            Map<String, String> handoverFrom, List<Drain> started, Set<String> ended, List<Release> released,
            List<String> notes) {
        /** The assignment to publish for a committed move: with {@code handoverFrom} while the old host may run it. */
        public RoleAssignment assignment(Move move, UUID eventId, Instant decidedAt) {
            return new RoleAssignment(eventId, decidedAt, move.roleId(), move.epoch(), move.to(), null, move.reason(),
                    handoverFrom.get(move.roleId()));
        }

        /** Every event of the round's handovers besides the moves: drains and releases. */
        public List<BatonEvent> events() {
            List<BatonEvent> events = new ArrayList<>(drains);
            events.addAll(releases);
            return events;
        }
    }

    private final Settings settings;
    private final Map<String, Gateway> gateways = new HashMap<>();
    private final Map<RoleEpoch, Set<String>> drained = new HashMap<>();
    private final Map<String, Drain> draining = new LinkedHashMap<>();
    private final Map<String, Release> releasing = new LinkedHashMap<>();
    private Instant lastRound;

    public Handovers(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    // ------------------------------------------------------------------------------------------------- inputs

    /** A {@link GatewayHeartbeat} or a {@link ProxyDrained}, with the record's (broker) timestamp; others are ignored. */
    public void on(BatonEvent event, Instant at) {
        if (event instanceof GatewayHeartbeat heartbeat) {
            onGatewayHeartbeat(heartbeat, at);
        } else if (event instanceof ProxyDrained report) {
            onDrained(report);
        }
    }

    /** A gateway's heartbeat, with the record's (broker) timestamp. */
    public void onGatewayHeartbeat(GatewayHeartbeat heartbeat, Instant at) {
        Gateway known = gateways.get(heartbeat.gatewayId());
        if (known == null || !at.isBefore(known.lastHeard())) {
            gateways.put(heartbeat.gatewayId(), new Gateway(at, Duration.ofMillis(heartbeat.drainTimeoutMillis())));
        }
    }

    /** A gateway drained a role's connections at an epoch. */
    public void onDrained(ProxyDrained report) {
        drained.computeIfAbsent(new RoleEpoch(report.roleId(), report.epoch()), k -> new TreeSet<>())
                .add(report.gatewayId());
    }

    /**
     * The leader's assignment, read by an instance that does not lead: keeps the handovers in progress known, so a
     * new leader completes them.
     */
    public void onLeadersAssignment(RoleAssignment assignment) {
        Release known = releasing.get(assignment.roleId());
        if (assignment.handoverFrom() != null) {
            if (known == null || assignment.epoch() >= known.epoch()) {
                releasing.put(assignment.roleId(), new Release(assignment.roleId(), assignment.handoverFrom(),
                        assignment.epoch(), assignment.serverId(), assignment.reason(), assignment.occurredAt()));
            }
        } else if (known != null && assignment.epoch() >= known.epoch()) {
            releasing.remove(assignment.roleId());
        }
    }

    // ---------------------------------------------------------------------------------------------- decisions

    /** Turns the policy's decision into this round's: drains to begin, moves to commit, releases to publish. */
    public Round round(Decision proposed, Assignments current, ClusterView view, Instant now) {
        if (lastRound != null && Duration.between(lastRound, now).compareTo(settings.gatewayTimeout()) > 0) {
            // Not leading meanwhile: what was draining then may have been decided by another leader since.
            draining.clear();
        }
        lastRound = now;
        forgetSilentGateways(now);
        List<Move> commit = new ArrayList<>();
        List<Assignment> keep = new ArrayList<>();
        List<RoleDraining> drains = new ArrayList<>();
        List<Drain> started = new ArrayList<>();
        Set<String> ended = new HashSet<>();
        List<String> notes = new ArrayList<>();
        Set<String> proposedRoles = new HashSet<>();
        for (Move move : proposed.moves()) {
            proposedRoles.add(move.roleId());
            Assignment before = current.find(move.roleId());
            Drain drain = draining.get(move.roleId());
            if (!planned(move) || before == null || !move.from().equals(before.serverId())
                    || !mayRun(view, move.from(), move.roleId())) {
                if (drain != null) {
                    ended.add(move.roleId());
                    notes.add("Role " + move.roleId() + ": drain from " + drain.move().from() + " ends, " + move.reason()
                            + " move to " + move.to() + " committed at once");
                }
                commit.add(move);
                continue;
            }
            if (drain == null || drain.epoch() != before.epoch() || !drain.move().from().equals(move.from())) {
                Set<String> awaited = liveGateways(now);
                if (awaited.isEmpty()) {
                    commit.add(move);
                    continue;
                }
                Instant bound = now.plus(longestDrain(awaited)).plus(settings.drainGrace());
                started.add(new Drain(move, before.epoch(), now, awaited, bound));
                drains.add(new RoleDraining(UUID.randomUUID(), now, move.roleId(), before.epoch(), move.from(),
                        move.to(), move.reason(), move.cause()));
                notes.add("Role " + move.roleId() + ": draining from " + move.from() + " before its " + move.reason()
                        + " move to " + move.to() + " (epoch " + before.epoch() + "); waiting for gateways " + awaited
                        + ", at most " + Duration.between(now, bound).toMillis() + " ms");
                keep.add(before);
            } else if (drainDone(drain, now, notes)) {
                ended.add(move.roleId());
                commit.add(move);
            } else {
                keep.add(before);
            }
        }
        Assignments next = proposed.next().with(keep);
        List<Assignment> added = new ArrayList<>();
        for (Drain drain : draining.values()) {
            String roleId = drain.move().roleId();
            if (proposedRoles.contains(roleId)) {
                continue;
            }
            Assignment now0 = next.find(roleId);
            if (now0 == null || now0.epoch() != drain.epoch() || !drain.move().from().equals(now0.serverId())) {
                ended.add(roleId);
                notes.add("Role " + roleId + ": drain from " + drain.move().from() + " dropped, the role's assignment"
                        + " changed meanwhile");
            } else if (drainDone(drain, now, notes)) {
                ended.add(roleId);
                commit.add(drain.move());
                added.add(new Assignment(roleId, drain.move().epoch(), drain.move().to(), now0.resourceFailures()));
            }
        }
        next = next.with(added);
        commit.sort((a, b) -> a.roleId().compareTo(b.roleId()));
        Map<String, String> handoverFrom = new HashMap<>();
        List<RoleAssignment> releases = new ArrayList<>();
        List<Release> released = new ArrayList<>();
        for (Release release : releasing.values()) {
            String why = releasedBecause(release, view, now);
            if (why == null) {
                handoverFrom.put(release.roleId(), release.from());
                continue;
            }
            released.add(release);
            Assignment assignment = next.find(release.roleId());
            boolean moving = commit.stream().anyMatch(m -> m.roleId().equals(release.roleId()));
            if (assignment != null && assignment.isPlaced() && assignment.epoch() == release.epoch() && !moving
                    && !assignment.serverId().equals(release.from())) {
                releases.add(new RoleAssignment(UUID.randomUUID(), now, release.roleId(), release.epoch(),
                        assignment.serverId(), null, release.reason(), null));
                notes.add("Role " + release.roleId() + ": " + why + "; " + assignment.serverId()
                        + " may start it at epoch " + release.epoch() + " (" + Duration.between(release.since(), now)
                        .toMillis() + " ms after the move)");
            }
        }
        for (Move move : commit) {
            if (move.to().equals(handoverFrom.get(move.roleId()))) {
                handoverFrom.remove(move.roleId());
            } else if (!handoverFrom.containsKey(move.roleId()) && move.from() != null
                    && mayRun(view, move.from(), move.roleId()) && !move.from().equals(move.to())) {
                handoverFrom.put(move.roleId(), move.from());
            }
        }
        Decision decision = new Decision(proposed.decidedAt(), commit, proposed.unplaced(), proposed.held(),
                proposed.rejected(), next, proposed.deferredBecause());
        return new Round(decision, drains, releases, Map.copyOf(handoverFrom), started, ended, released, notes);
    }

    /** Applies a round whose events were published. */
    public void committed(Round round) {
        round.ended().forEach(draining::remove);
        for (Drain drain : round.started()) {
            draining.put(drain.move().roleId(), drain);
        }
        for (Release release : round.released()) {
            releasing.remove(release.roleId(), release);
        }
        for (Move move : round.decision().moves()) {
            String from = round.handoverFrom().get(move.roleId());
            if (from == null) {
                releasing.remove(move.roleId());
            } else {
                Release before = releasing.get(move.roleId());
                Instant since = before != null && before.from().equals(from) ? before.since() : round.decision()
                        .decidedAt();
                releasing.put(move.roleId(), new Release(move.roleId(), from, move.epoch(), move.to(), move.reason(),
                        since));
            }
        }
        drained.keySet().removeIf(key -> round.ended().contains(key.roleId()));
        round.notes().forEach(LOG::info);
    }

    /** Roles draining now, for status: role id to the host they leave. */
    public Map<String, String> draining() {
        Map<String, String> out = new LinkedHashMap<>();
        draining.forEach((role, drain) -> out.put(role, drain.move().from()));
        return out;
    }

    /** Roles whose new host waits for the old one to stop them: role id to the old host. */
    public Map<String, String> releasing() {
        Map<String, String> out = new LinkedHashMap<>();
        releasing.forEach((role, release) -> out.put(role, release.from()));
        return out;
    }

    private boolean drainDone(Drain drain, Instant now, List<String> notes) {
        Set<String> live = liveGateways(now);
        Set<String> reported = drained.getOrDefault(new RoleEpoch(drain.move().roleId(), drain.epoch()), Set.of());
        Set<String> missing = new TreeSet<>();
        for (String gateway : drain.awaited()) {
            if (live.contains(gateway) && !reported.contains(gateway)) {
                missing.add(gateway);
            }
        }
        long millis = Duration.between(drain.since(), now).toMillis();
        if (missing.isEmpty()) {
            notes.add("Role " + drain.move().roleId() + ": drained from " + drain.move().from() + " in " + millis
                    + " ms (" + reported.size() + " gateway(s) reported); committing its " + drain.move().reason()
                    + " move");
            return true;
        }
        if (!now.isBefore(drain.bound())) {
            notes.add("Role " + drain.move().roleId() + ": drain bound of " + Duration.between(drain.since(),
                    drain.bound()).toMillis() + " ms passed without a report from " + missing + "; committing its "
                    + drain.move().reason() + " move");
            return true;
        }
        return false;
    }

    /** Why the old host no longer runs the role, or null while it may. */
    private String releasedBecause(Release release, ClusterView view, Instant now) {
        ServerView from = view.find(release.from());
        if (from == null) {
            return release.from() + " is unknown";
        }
        if (!from.alive()) {
            return release.from() + " is DOWN";
        }
        ReportedRole reported = from.role(release.roleId()).orElse(null);
        if (reported == null || !running(reported.state()) || reported.epoch() >= release.epoch()) {
            return release.from() + " reported it stopped";
        }
        if (!now.isBefore(release.since().plus(settings.stopTimeout()))) {
            LOG.warn("Role {}: {} still reports it {} at epoch {} after the stop timeout of {} ms; releasing it to {}"
                    + " anyway", release.roleId(), release.from(), reported.state(), reported.epoch(),
                    settings.stopTimeout().toMillis(), release.to());
            return "stop timeout passed";
        }
        return null;
    }

    private static boolean planned(Move move) {
        return move.from() != null && (move.reason() == MoveReason.MAINTENANCE || move.reason() == MoveReason.FAILBACK
                || move.reason() == MoveReason.MANUAL);
    }

    /** Whether {@code serverId} is alive and reports the role starting, running or stopping. */
    private static boolean mayRun(ClusterView view, String serverId, String roleId) {
        ServerView server = view.find(serverId);
        if (server == null || !server.alive()) {
            return false;
        }
        return server.role(roleId).map(r -> running(r.state())).orElse(false);
    }

    private static boolean running(RoleState state) {
        return state == RoleState.STARTING || state == RoleState.RUNNING || state == RoleState.STOPPING;
    }

    private Set<String> liveGateways(Instant now) {
        Set<String> live = new TreeSet<>();
        gateways.forEach((id, gateway) -> {
            if (Duration.between(gateway.lastHeard(), now).compareTo(settings.gatewayTimeout()) <= 0) {
                live.add(id);
            }
        });
        return live;
    }

    private Duration longestDrain(Set<String> awaited) {
        Duration longest = Duration.ZERO;
        for (String id : awaited) {
            Duration timeout = gateways.get(id).drainTimeout();
            if (timeout.compareTo(longest) > 0) {
                longest = timeout;
            }
        }
        return longest;
    }

    private void forgetSilentGateways(Instant now) {
        Duration forget = settings.gatewayTimeout().multipliedBy(30);
        gateways.values().removeIf(g -> Duration.between(g.lastHeard(), now).compareTo(forget) > 0);
    }
}
