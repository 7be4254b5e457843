package dev.baton.events;

/** Validation of the ids that name servers, roles and gateways, and that key Kafka records. */
public final class Ids {
    public static final int MAX_LENGTH = 128;

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
        if (!allowed(value)) {
            throw new IllegalArgumentException(
                    field + " '" + value + "' has characters outside [A-Za-z0-9._-]");
        }
        return value;
    }

    /** Every character in {@code [A-Za-z0-9._-]}; a loop rather than a regex, as ids are checked in every event. */
    private static boolean allowed(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Like {@link #requireValid} but accepts null, for optional ids. */
    public static String validOrNull(String field, String value) {
        return value == null ? null : requireValid(field, value);
    }
}
