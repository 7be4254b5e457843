package dev.baton.audit.ingest;

/**
 * How the ingest reacts to a failed database write, decided by the SQLSTATE alone.
 *
 * <p>Only errors that blame the data of a row are {@link #DATA}: the batch is then stored row by row and a
 * row PostgreSQL refuses is stored as a dead letter instead. Everything else (connection lost, server
 * shutting down, out of resources, unknown) is {@link #RETRIABLE}: the batch is kept and retried with back-off,
 * because retrying is always safe (inserts ignore ids already stored) and skipping is never allowed.
 */
public enum FailureKind {
    RETRIABLE,
    DATA;

    /** Classifies a SQLSTATE (null when the driver gave none, e.g. a pool time-out). */
    public static FailureKind of(String sqlState) {
        if (sqlState == null || sqlState.length() < 2) {
            return RETRIABLE;
        }
        return switch (sqlState.substring(0, 2)) {
            // 22: data exception (bad jsonb, value out of range); 23: integrity constraint; 54: program limit
            // exceeded (a value too large for an index row).
            case "22", "23", "54" -> DATA;
            default -> RETRIABLE;
        };
    }
}
