package dev.baton.placement.store;

/** A store operation that cannot be done as asked. */
public sealed class RoleStoreException extends RuntimeException {
    RoleStoreException(String message) {
        super(message);
    }

    RoleStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The role (or server) does not exist. */
    public static final class NotFound extends RoleStoreException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The role exists already, or changed since it was read. */
    public static final class Conflict extends RoleStoreException {
        public Conflict(String message) {
            super(message);
        }
    }

    /**
     * The store could not be reached or gave up (connection lost, pool exhausted, database shutting down,
     * serialization failure). Retriable: the same call may succeed later. A mutation failing this way was not
     * applied, except when the connection broke while committing, where the outcome is unknown: read back.
     */
    public static final class Unavailable extends RoleStoreException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
