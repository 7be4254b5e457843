package dev.baton.testkit;

/** A running PostgreSQL server with a superuser account. */
public interface PostgresServer extends AutoCloseable {
    /** The JDBC URL of {@code database} on this server. */
    String jdbcUrl(String database);

    String username();

    String password();

    @Override
    void close();
}
