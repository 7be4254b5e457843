package dev.baton.bench;

import dev.baton.testkit.EmbeddedKafkaBroker;
import dev.baton.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The broker and database of one benchmark run: a real single-node KRaft Kafka broker in this JVM and a real
 * PostgreSQL server process (testkit's embedded ones, as the tests and {@code ./baton up} use). PostgreSQL keeps its
 * data in the run's directory with {@code fsync} and {@code synchronous_commit} on, as in production.
 */
public final class Infra implements AutoCloseable {
    private final EmbeddedKafkaBroker kafka;
    private final EmbeddedPostgresServer postgres;

    private Infra(EmbeddedKafkaBroker kafka, EmbeddedPostgresServer postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    /** Kafka only. */
    public static Infra kafka() {
        return new Infra(EmbeddedKafkaBroker.start(), null);
    }

    /** Kafka and PostgreSQL (data in {@code workDir/postgres}). */
    public static Infra kafkaAndPostgres(Path workDir) {
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
        try {
            return new Infra(kafka, EmbeddedPostgresServer.start(workDir.resolve("postgres"), 0));
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Creates database {@code name} and returns its JDBC URL. */
    public String createDatabase(String name) {
        requirePostgres();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"),
                postgres.username(), postgres.password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return postgres.jdbcUrl(name);
    }

    public String dbUser() {
        requirePostgres();
        return postgres.username();
    }

    public String dbPassword() {
        requirePostgres();
        return postgres.password();
    }

    private void requirePostgres() {
        if (postgres == null) {
            throw new IllegalStateException("this run started no PostgreSQL");
        }
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }
}
