package dev.baton.placement.detector;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every server the detector knows, at one evaluation; the input of the placement policy. Immutable.
 *
 * @param evaluatedAt the {@code now} of the evaluation
 * @param ready the detector has seen the heartbeat consumer caught up at least once and has watched the
 *     heartbeat stream for at least the failure timeout since it started: a server it still does not know is
 *     silent, not merely unread. Do not act on the view before it is ready
 * @param horizon how far the heartbeat stream has been read ({@link ConsumerProgress#readThrough()}); null
 *     before the first progress report. {@code evaluatedAt - horizon} is the consumer's lag, worth a metric
 * @param servers sorted by server id
 * @param safetyBrake the safety brake holding failovers, and which servers fell silent; null while it is off
 */
public record ClusterView(Instant evaluatedAt, boolean ready, Instant horizon, List<ServerView> servers,
        SafetyBrake.Engaged safetyBrake) {
    public ClusterView {
        Objects.requireNonNull(evaluatedAt, "evaluatedAt");
        servers = SortedById.isSorted(servers, ServerView::serverId)
                ? List.copyOf(servers) : SortedById.sorted(servers, ServerView::serverId);
    }

    /** A view without the safety brake on. */
    public ClusterView(Instant evaluatedAt, boolean ready, Instant horizon, List<ServerView> servers) {
        this(evaluatedAt, ready, horizon, servers, null);
    }

    /** The server with this id, or empty when it never heartbeated to this detector. O(log n). */
    public Optional<ServerView> server(String serverId) {
        return Optional.ofNullable(find(serverId));
    }

    /** Like {@link #server} but null when unknown, for hot loops. */
    public ServerView find(String serverId) {
        return SortedById.find(servers, ServerView::serverId, serverId);
    }
}
