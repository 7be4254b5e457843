package dev.baton.audit.query;

import java.util.List;

/**
 * One page of a query's rows in its stable order.
 *
 * @param next where the following page starts; null when this is the last page
 */
public record Page<T>(List<T> rows, Cursor next) {
    public Page {
        rows = List.copyOf(rows);
    }
}
