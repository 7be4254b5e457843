package dev.baton.events;

import java.util.regex.Pattern;

/** Validation of the ids that name servers, roles and gateways, and that key Kafka records. */
public final class Ids {
    public static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._-]+");

    private Ids() {
    }

    /**
     * Returns {@code value} when it is a valid id.
     *
     * @throws IllegalArgumentException naming {@code field} and what is wrong: null, empty, longer than
     *     {@value #MAX_LENGTH} characters, or a character outside {@code [A-Za-z0-9._-]}
     */
    public static String requireValid(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException(field + " is empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    field + " is " + value.length() + " characters long; the limit is " + MAX_LENGTH);
        }
        if (!ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    field + " '" + value + "' has characters outside [A-Za-z0-9._-]");
        }
        return value;
    }

    /** Like {@link #requireValid} but accepts null, for optional ids. */
    public static String validOrNull(String field, String value) {
        return value == null ? null : requireValid(field, value);
    }
}
