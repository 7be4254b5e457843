package dev.baton.placement.policy;

import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.detector.ServerState;
import dev.baton.placement.detector.ServerView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * "If server X fails, goes into maintenance or comes back, what would the placement do now?" The same {@link
 * PlacementPolicy} decides one round on the present view with that one server changed; nothing is published and
 * nothing changes. Pure.
 */
public final class WhatIf {
    /** What happens to the server. */
    public enum Scenario {
        /** It stops heartbeating: DOWN, its roles fail over. */
        FAILS,
        /** An operator puts it into maintenance: its roles move away by planned moves. */
        MAINTENANCE,
        /** It is UP again (out of maintenance, heartbeating) long enough for every failback delay. */
        RETURNS;

        /** The scenario named {@code name} (fails, maintenance, returns); the message lists the names. */
        public static Scenario parse(String name) {
            for (Scenario scenario : values()) {
                if (scenario.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return scenario;
                }
            }
            throw new IllegalArgumentException("unknown scenario '" + name + "': expected fails, maintenance or returns");
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the policy would decide: the moves, the roles that would stop (unplaced), and why nothing, if so. */
    public record Outcome(String serverId, Scenario scenario, List<Move> moves, List<Unplacement> stops,
            String deferredBecause) {
        public Outcome {
            moves = List.copyOf(moves);
            stops = List.copyOf(stops);
        }
    }

    private final PlacementPolicy policy;

    public WhatIf(PolicyConfig config) {
        this.policy = new PlacementPolicy(Objects.requireNonNull(config, "config"));
    }

    /**
     * Decides one round on {@code view} with {@code serverId} changed as {@code scenario} says. Moves the present
     * view would make anyway (a failback that is due) are included: they would happen too.
     *
     * @throws IllegalArgumentException when the view does not know {@code serverId} (it never heartbeated)
     */
    public Outcome decide(String serverId, Scenario scenario, Collection<RoleConfig> roles, ClusterView view,
            Assignments assignments, Instant now) {
        ServerView server = view.find(serverId);
        if (server == null) {
            throw new IllegalArgumentException("server " + serverId + " has sent no heartbeat since the placement "
                    + "started: there is nothing to imagine about it");
        }
        List<ServerView> servers = new ArrayList<>(view.servers());
        servers.replaceAll(s -> s.serverId().equals(serverId) ? changed(s, scenario, roles, now) : s);
        ClusterView imagined = new ClusterView(view.evaluatedAt(), view.ready(), view.horizon(), servers,
                view.safetyBrake());
        Decision decision = policy.decide(roles, imagined, assignments, now);
        return new Outcome(serverId, scenario, decision.moves(), decision.unplaced(), decision.deferredBecause());
    }

    private static ServerView changed(ServerView s, Scenario scenario, Collection<RoleConfig> roles, Instant now) {
        return switch (scenario) {
            case FAILS -> new ServerView(s.serverId(), ServerState.DOWN, false, s.incarnation(), s.host(), s.kind(),
                    s.lastSequence(), s.lastHeartbeatAt(), s.lastRecordAt(), null, now, "if it failed now",
                    s.recentDowns(), s.flapping(), List.of(), s.databases());
            case MAINTENANCE -> new ServerView(s.serverId(), ServerState.MAINTENANCE, s.alive(), s.incarnation(),
                    s.host(), s.kind(), s.lastSequence(), s.lastHeartbeatAt(), s.lastRecordAt(), null, s.downSince(),
                    s.downCause(), s.recentDowns(), s.flapping(), s.roles(), s.databases());
            case RETURNS -> new ServerView(s.serverId(), ServerState.UP, true, s.incarnation(), s.host(), s.kind(),
                    s.lastSequence(), s.lastHeartbeatAt(), s.lastRecordAt(), now.minus(longestDelay(roles)), null,
                    null, s.recentDowns(), s.flapping(), s.roles(), s.databases());
        };
    }

    /** UP for longer than every failback delay, so a failback the return makes due shows. */
    private static Duration longestDelay(Collection<RoleConfig> roles) {
        Duration longest = Duration.ZERO;
        for (RoleConfig role : roles) {
            if (role.failbackDelay().compareTo(longest) > 0) {
                longest = role.failbackDelay();
            }
        }
        return longest.plusSeconds(1);
    }
}
