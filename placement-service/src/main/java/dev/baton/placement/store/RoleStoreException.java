package dev.baton.placement.store;

/** A store operation that cannot be done as asked. */
public sealed class RoleStoreException extends RuntimeException {
    RoleStoreException(String message) {
        super(message);
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
}
