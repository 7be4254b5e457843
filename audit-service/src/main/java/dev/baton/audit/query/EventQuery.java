package dev.baton.audit.query;

import java.time.Instant;
import java.util.List;

/**
 * A validated filter over stored events, ordered by {@code (occurred_at, event_id)}. Every field is bound as
 * a query parameter; null (or an empty type list) means "any".
 *
 * @param types event type wire names, any of which matches
 * @param from inclusive lower bound of {@code occurredAt}
 * @param to exclusive upper bound of {@code occurredAt}
 * @param limit rows per page, 1 to {@link QueryParser#MAX_LIMIT}
 * @param after the cursor of the previous page, or null for the first page
 */
public record EventQuery(
        List<String> types,
        String roleId,
        String serverId,
        Long epoch,
        Instant from,
        Instant to,
        int limit,
        Cursor after) {
    public EventQuery {
        types = types == null ? List.of() : List.copyOf(types);
    }
}
