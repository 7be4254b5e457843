package dev.baton.placement.policy;

import java.util.Objects;

/**
 * One problem with a role configuration, worded for the operator; an admin API returns a list of them with 422.
 *
 * @param field the offending field, e.g. {@code servers[1]} or {@code database.server}
 */
public record ConfigError(String field, String message) {
    public ConfigError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
