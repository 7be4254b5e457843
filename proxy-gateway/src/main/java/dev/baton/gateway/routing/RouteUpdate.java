package dev.baton.gateway.routing;

/**
 * What one event did to a role's route, with a sentence for the log. Only {@link Changed} re-points anything.
 */
public sealed interface RouteUpdate {
    /** A one-line description of the decision, naming the role and the event. */
    String why();

    /** The route after the event; changes the clients of the role must follow. */
    record Changed(Route before, Route after, String why) implements RouteUpdate {
        /** Whether the epoch went up: every connection of the role leaves its old upstream. */
        public boolean moved() {
            return after.epoch() > before.epoch();
        }
    }

    /** Nothing for the clients to follow, though a detail may have been refined (e.g. the move time). */
    record Unchanged(Route route, String why) implements RouteUpdate {
    }

    /** The event carried an epoch lower than the newest seen for its role: ignored. */
    record Stale(Route route, long staleEpoch, String why) implements RouteUpdate {
    }

    /**
     * The event does not apply: a role the gateway does not serve, or a report that contradicts what the gateway
     * knows at the same epoch ({@code suspicious}, worth a warning).
     */
    record Ignored(String roleId, String why, boolean suspicious) implements RouteUpdate {
    }
}
