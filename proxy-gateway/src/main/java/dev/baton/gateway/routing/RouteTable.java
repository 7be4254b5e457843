package dev.baton.gateway.routing;

import dev.baton.events.BatonEvent;
import dev.baton.events.Endpoint;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleEvent;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.RoleUnplaced;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The route of every role the gateway serves, folded from the placement's decisions ({@link RoleAssignment},
 * {@link RoleMoved}, {@link RoleUnplaced}) and the agents' reports ({@link RoleStateChanged}). Pure: no I/O, the
 * time an event was seen is passed in.
 *
 * <p>Rules, in order:
 * <ol>
 *   <li><b>Epochs only go up.</b> An event with an epoch lower than the newest seen for its role is
 *       {@link RouteUpdate.Stale} and changes nothing: a late or replayed decision must never re-point clients to
 *       a host that already lost the role.
 *   <li><b>A higher epoch is a move.</b> Whatever raises the epoch (an assignment, a RoleMoved, or an agent
 *       reporting the role at an epoch the gateway had not seen) takes the clients off their old upstream; the
 *       new upstream is known only once the owner of the new epoch reported it RUNNING (or an assignment carries
 *       its endpoint).
 *   <li><b>At the same epoch only the owner speaks.</b> A state report from a server that does not own the epoch,
 *       or a decision naming another server at an epoch that already has one, is ignored as suspicious.
 *   <li><b>Topics are not ordered with each other.</b> An assignment's endpoint (written after an earlier RUNNING)
 *       does not bring back a route the owner has since reported STOPPED or FAILED at the same epoch; only the
 *       owner's next RUNNING does. And a STARTING that arrives after the route is RUNNING at the same epoch is older
 *       news, not a demotion.
 * </ol>
 */
public final class RouteTable {
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final boolean everyRole;

    /** A table serving exactly {@code roleIds}; events about other roles are ignored. */
    public RouteTable(Collection<String> roleIds) {
        this(roleIds, false);
    }

    /**
     * A table following every role it hears of, the {@code roleIds} first: a role may get a listener from its
     * configuration at any time, and then needs the route its assignments already gave it.
     */
    public static RouteTable everyRole(Collection<String> roleIds) {
        return new RouteTable(roleIds, true);
    }

    private RouteTable(Collection<String> roleIds, boolean everyRole) {
        roleIds.forEach(roleId -> routes.put(roleId, Route.unknown(roleId)));
        this.everyRole = everyRole;
    }

    /** The route of {@code roleId}, or null when the gateway does not serve it. */
    public Route route(String roleId) {
        Route route = routes.get(roleId);
        return route == null && everyRole ? Route.unknown(roleId) : route;
    }

    /** Every route, in the order the roles were configured. */
    public List<Route> routes() {
        return List.copyOf(routes.values());
    }

    /** Folds {@code event}, seen by the gateway at {@code seenAt}, into the table. */
    public RouteUpdate apply(BatonEvent event, Instant seenAt) {
        String roleId;
        long epoch;
        if (event instanceof RoleEvent roleEvent) {
            roleId = roleEvent.roleId();
            epoch = roleEvent.epoch();
        } else if (event instanceof RoleAssignment assignment) {
            roleId = assignment.roleId();
            epoch = assignment.epoch();
        } else {
            return new RouteUpdate.Ignored(null, event.type().wireName() + " does not route anything", false);
        }
        Route route = route(roleId);
        if (route == null) {
            return new RouteUpdate.Ignored(roleId, roleId + ": not served by this gateway, " + event.type().wireName()
                    + " ignored", false);
        }
        if (epoch < route.epoch()) {
            return new RouteUpdate.Stale(route, epoch, roleId + ": ignored stale " + describe(event) + ": epoch "
                    + epoch + " < newest " + route.epoch() + " (" + route.describe() + ")");
        }
        RouteUpdate update;
        if (event instanceof RoleAssignment a) {
            update = assignment(route, a);
        } else if (event instanceof RoleMoved m) {
            update = moved(route, m);
        } else if (event instanceof RoleStateChanged s) {
            update = stateChanged(route, s, seenAt);
        } else {
            update = unplaced(route, (RoleUnplaced) event);
        }
        if (update instanceof RouteUpdate.Changed changed) {
            routes.put(roleId, changed.after());
        } else if (update instanceof RouteUpdate.Unchanged unchanged) {
            routes.put(roleId, unchanged.route());
        }
        return update;
    }

    private static RouteUpdate assignment(Route route, RoleAssignment a) {
        String what = describe(a);
        if (a.epoch() > route.epoch()) {
            RouteStatus status = a.serverId() == null ? RouteStatus.UNPLACED
                    : a.endpoint() != null ? RouteStatus.RUNNING : RouteStatus.MOVING;
            Route after = route.withEpoch(a.epoch(), a.serverId(), status, a.endpoint(), a.occurredAt(),
                    MovedAtSource.ASSIGNMENT, a.reason());
            return changed(route, after, what);
        }
        if (route.serverId() == null) {
            if (a.serverId() == null) {
                return new RouteUpdate.Unchanged(route, route.roleId() + ": " + what + " repeats the known route");
            }
            // The epoch had no server (unplaced); a decision naming one at that epoch contradicts nobody.
            RouteStatus status = a.endpoint() != null ? RouteStatus.RUNNING : RouteStatus.MOVING;
            Route after = route.withServer(a.serverId()).withStatus(status, a.endpoint());
            return changed(route, after, what);
        }
        if (a.serverId() == null || !a.serverId().equals(route.serverId())) {
            return new RouteUpdate.Ignored(route.roleId(), route.roleId() + ": ignored " + what + ": epoch "
                    + a.epoch() + " already belongs to " + route.serverId(), true);
        }
        Route refined = route.movedAtSource() == MovedAtSource.GATEWAY
                ? route.withMovedAt(a.occurredAt(), MovedAtSource.ASSIGNMENT).withReason(a.reason()) : route;
        if (a.endpoint() == null || route.status() == RouteStatus.DOWN
                || (route.status() == RouteStatus.RUNNING && a.endpoint().equals(route.endpoint()))) {
            return new RouteUpdate.Unchanged(refined, route.roleId() + ": " + what + " adds nothing to "
                    + route.describe());
        }
        return changed(route, refined.withStatus(RouteStatus.RUNNING, a.endpoint()), what);
    }

    private static RouteUpdate moved(Route route, RoleMoved m) {
        String what = describe(m);
        if (m.epoch() > route.epoch()) {
            return changed(route, route.withEpoch(m.epoch(), m.to(), RouteStatus.MOVING, null, m.occurredAt(),
                    MovedAtSource.ROLE_MOVED, m.reason()), what);
        }
        if (route.serverId() == null) {
            Route after = route.withServer(m.to()).withStatus(RouteStatus.MOVING, null)
                    .withMovedAt(m.occurredAt(), MovedAtSource.ROLE_MOVED);
            return changed(route, after, what);
        }
        if (!m.to().equals(route.serverId())) {
            return new RouteUpdate.Ignored(route.roleId(), route.roleId() + ": ignored " + what + ": epoch "
                    + m.epoch() + " already belongs to " + route.serverId(), true);
        }
        // The assignment (another topic) raised the epoch first; the RoleMoved still gives the better move time.
        return new RouteUpdate.Unchanged(route.withMovedAt(m.occurredAt(), MovedAtSource.ROLE_MOVED)
                .withReason(m.reason()),
                route.roleId() + ": " + what + " confirms " + route.describe() + "; move time taken from it");
    }

    private static RouteUpdate stateChanged(Route route, RoleStateChanged s, Instant seenAt) {
        String what = describe(s);
        boolean running = s.state() == RoleState.RUNNING && s.endpoint() != null;
        if (s.epoch() > route.epoch()) {
            // Only the server a decision assigned the epoch to runs the role at it, so the report itself proves the
            // move; the placement's record of it is on its way (another topic, or read from the end at start-up).
            RouteStatus status = running ? RouteStatus.RUNNING
                    : s.state() == RoleState.STARTING ? RouteStatus.MOVING : RouteStatus.DOWN;
            return changed(route, route.withEpoch(s.epoch(), s.serverId(), status, running ? s.endpoint() : null,
                    seenAt, MovedAtSource.GATEWAY, null), what);
        }
        if (route.serverId() == null || !route.serverId().equals(s.serverId())) {
            return new RouteUpdate.Ignored(route.roleId(), route.roleId() + ": ignored " + what + ": epoch "
                    + s.epoch() + " belongs to " + (route.serverId() == null ? "no server" : route.serverId()), true);
        }
        return switch (s.state()) {
            case RUNNING -> {
                if (s.endpoint() == null) {
                    yield new RouteUpdate.Ignored(route.roleId(), route.roleId() + ": ignored " + what
                            + ": RUNNING without an endpoint", true);
                }
                if (route.status() == RouteStatus.RUNNING && route.endpoint().equals(s.endpoint())) {
                    yield new RouteUpdate.Unchanged(route, route.roleId() + ": " + what + " repeats "
                            + route.describe());
                }
                yield changed(route, route.withStatus(RouteStatus.RUNNING, s.endpoint()), what);
            }
            // After RUNNING, a STARTING at the same epoch is older news that arrived late (the assignment carrying the
            // endpoint travels on another topic). Were it a restart of the plugin, its connections break and the
            // owner's next RUNNING is followed.
            case STARTING -> route.status() == RouteStatus.MOVING || route.status() == RouteStatus.RUNNING
                    ? new RouteUpdate.Unchanged(route, route.roleId() + ": " + what + " while " + route.describe())
                    : changed(route, route.withStatus(RouteStatus.MOVING, null), what);
            case STOPPING, STOPPED, FAILED -> route.status() == RouteStatus.DOWN
                    ? new RouteUpdate.Unchanged(route, route.roleId() + ": " + what + " while " + route.describe())
                    : changed(route, route.withStatus(RouteStatus.DOWN, null), what);
        };
    }

    private static RouteUpdate unplaced(Route route, RoleUnplaced u) {
        String what = describe(u);
        if (u.epoch() == route.epoch() && route.status() == RouteStatus.UNPLACED) {
            return new RouteUpdate.Unchanged(route, route.roleId() + ": " + what + " repeats " + route.describe());
        }
        Route after = u.epoch() > route.epoch()
                ? route.withEpoch(u.epoch(), null, RouteStatus.UNPLACED, null, null, null, null)
                : route.withServer(null).withStatus(RouteStatus.UNPLACED, null);
        return changed(route, after, what);
    }

    private static RouteUpdate changed(Route before, Route after, String what) {
        return new RouteUpdate.Changed(before, after, after.roleId() + ": " + what + ": " + before.describe()
                + " -> " + after.describe());
    }

    private static String describe(BatonEvent event) {
        if (event instanceof RoleAssignment a) {
            return "RoleAssignment epoch " + a.epoch()
                    + (a.serverId() == null ? " without server" : " to " + a.serverId()) + endpoint(a.endpoint())
                    + " (" + a.reason() + ")";
        }
        if (event instanceof RoleMoved m) {
            return "RoleMoved epoch " + m.epoch() + (m.from() == null ? "" : " from " + m.from()) + " to " + m.to()
                    + " (" + m.reason() + ")";
        }
        if (event instanceof RoleStateChanged s) {
            return "RoleStateChanged " + s.state() + " on " + s.serverId() + " epoch " + s.epoch()
                    + endpoint(s.endpoint());
        }
        if (event instanceof RoleUnplaced u) {
            return "RoleUnplaced epoch " + u.epoch() + (u.from() == null ? "" : " from " + u.from());
        }
        return event.type().wireName();
    }

    private static String endpoint(Endpoint endpoint) {
        return endpoint == null ? "" : " at " + endpoint;
    }
}
