package dev.baton.placement.policy;

import dev.baton.events.RoleState;
import dev.baton.events.ServerKind;
import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.detector.ReportedDatabase;
import dev.baton.placement.detector.ReportedRole;
import dev.baton.placement.detector.ServerState;
import dev.baton.placement.detector.ServerView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the failure detector's view for policy tests. Servers not mentioned are unknown to the detector. */
final class Cluster {
    static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    static final Instant DOWN_SINCE = NOW.minusMillis(150);
    static final String DOWN_CAUSE = "no heartbeat for 812 ms (timeout 700 ms)";

    private static final class Spec {
        final String id;
        ServerState state = ServerState.UP;
        Instant upSince = NOW.minus(Duration.ofHours(1));
        ServerKind kind = ServerKind.EXPANSION;
        boolean flapping;
        final List<ReportedRole> roles = new ArrayList<>();
        final List<ReportedDatabase> databases = new ArrayList<>();

        Spec(String id) {
            this.id = id;
        }

        ServerView view() {
            boolean alive = state != ServerState.DOWN;
            return new ServerView(id, state, alive, id + "-i1", id + ".corp.example", kind, 42, NOW, NOW,
                    state == ServerState.UP ? upSince : null,
                    alive ? null : DOWN_SINCE, alive ? null : DOWN_CAUSE,
                    flapping ? 3 : 0, flapping, roles, databases);
        }
    }

    private final Map<String, Spec> specs = new LinkedHashMap<>();
    private boolean ready = true;

    static Cluster cluster() {
        return new Cluster();
    }

    /** a, b and c, UP for an hour. */
    static Cluster abcUp() {
        return cluster().up("a", "b", "c");
    }

    private Spec spec(String id) {
        return specs.computeIfAbsent(id, Spec::new);
    }

    Cluster up(String... ids) {
        for (String id : ids) {
            spec(id).state = ServerState.UP;
        }
        return this;
    }

    Cluster upFor(String id, Duration duration) {
        Spec spec = spec(id);
        spec.state = ServerState.UP;
        spec.upSince = NOW.minus(duration);
        return this;
    }

    Cluster down(String... ids) {
        for (String id : ids) {
            spec(id).state = ServerState.DOWN;
        }
        return this;
    }

    Cluster maintenance(String id) {
        spec(id).state = ServerState.MAINTENANCE;
        return this;
    }

    Cluster flapping(String id) {
        spec(id).flapping = true;
        return this;
    }

    Cluster main(String id) {
        spec(id).kind = ServerKind.MAIN;
        return this;
    }

    Cluster unreachable(String server, String role) {
        spec(server).databases.add(new ReportedDatabase(role, false, NOW.minusMillis(300)));
        return this;
    }

    Cluster reports(String server, String role, long epoch, RoleState state) {
        spec(server).roles.add(new ReportedRole(role, epoch, state, null, NOW.minusMillis(200)));
        return this;
    }

    Cluster notReady() {
        ready = false;
        return this;
    }

    ClusterView view() {
        return new ClusterView(NOW, ready, NOW, specs.values().stream().map(Spec::view).toList());
    }
}
