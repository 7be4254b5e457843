package dev.baton.audit.query;

import java.time.Instant;

/**
 * A validated filter over failover timelines (one row per RoleMoved), ordered by when the move was published
 * ({@code moved_at}) and its event id.
 *
 * @param reason a {@code MoveReason} name, or null for every move
 * @param from inclusive lower bound of {@code moved_at}
 * @param to exclusive upper bound of {@code moved_at}
 */
public record FailoverQuery(String roleId, String reason, Instant from, Instant to, int limit, Cursor after) {
}
