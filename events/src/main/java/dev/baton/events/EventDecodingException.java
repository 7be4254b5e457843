package dev.baton.events;

/**
 * A record that is not a valid Baton event. The message says what is wrong in one line; it is what goes to
 * the dead-letter topic as {@link DeadLetter#reason()}.
 */
public final class EventDecodingException extends RuntimeException {

    /** The kinds of rejection. */
    public enum Reason {
        MALFORMED_JSON,
        UNKNOWN_TYPE,
        UNSUPPORTED_SCHEMA_VERSION,
        MISSING_FIELD,
        INVALID_FIELD,
        UNEXPECTED_TYPE
    }

    private final Reason reason;

    public EventDecodingException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public EventDecodingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
