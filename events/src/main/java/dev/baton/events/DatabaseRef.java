package dev.baton.events;

/**
 * A role's database server: the name operators know it by (for example {@code DBHOST\SQLEXPRESS}) and the
 * host and port agents test reachability against.
 */
public record DatabaseRef(String server, String host, int port) {
    public DatabaseRef {
        Checks.nonBlank("database.server", server);
        Checks.nonBlank("database.host", host);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("database.port must be between 1 and 65535, was " + port);
        }
    }
}
