package dev.baton.events;

import java.util.List;
import java.util.Objects;

/** Argument checks shared by the event records' constructors. */
final class Checks {
    private Checks() {
    }

    static <T> T required(String field, T value) {
        return Objects.requireNonNull(value, () -> field + " is missing");
    }

    /** {@link #nonNegative} for an optional field: absent (null) is fine. */
    static void nonNegativeIfPresent(String field, Number value) {
        if (value != null) {
            nonNegative(field, value.longValue());
        }
    }

    static long nonNegative(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must be >= 0, was " + value);
        }
        return value;
    }

    static String nonBlank(String field, String value) {
        required(field, value);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " is blank");
        }
        return value;
    }

    static <T> List<T> list(String field, List<T> value) {
        required(field, value);
        for (T element : value) {
            if (element == null) {
                throw new IllegalArgumentException(field + " contains a null element");
            }
        }
        return List.copyOf(value);
    }

    static <T> List<T> listOrEmpty(String field, List<T> value) {
        return value == null ? List.of() : list(field, value);
    }
}
