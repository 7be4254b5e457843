package dev.baton.launcher;

import dev.baton.testkit.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local run's PostgreSQL as a process of its own: a real PostgreSQL 17 (testkit's {@link EmbeddedPostgresServer})
 * whose data directory is kept across runs, with the database the services share created when missing. Arguments:
 * data directory, port, database. Stops PostgreSQL cleanly on SIGTERM.
 */
public final class PostgresServerMain {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresServerMain.class);

    private PostgresServerMain() {
    }

    public static void main(String[] args) throws InterruptedException, SQLException {
        if (args.length != 3) {
            System.err.println("usage: PostgresServerMain <data-dir> <port> <database>");
            System.exit(2);
        }
        String database = args[2];
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            System.err.println("database name must match [a-z_][a-z0-9_]*, was '" + database + "'");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]);
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir, Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            postgres.close();
            stopIfStillRunning(dataDir);
        }, "postgres-shutdown"));
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.username(),
                postgres.password())) {
            boolean exists;
            try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                query.setString(1, database);
                try (ResultSet rows = query.executeQuery()) {
                    exists = rows.next();
                }
            }
            if (exists) {
                LOG.info("Database {} exists; reused", database);
            } else {
                try (Statement create = connection.createStatement()) {
                    create.execute("CREATE DATABASE " + database);
                }
                LOG.info("Database {} created", database);
            }
        }
        System.out.println(LocalRun.READY_MARKER + " postgres " + postgres.jdbcUrl(database));
        new CountDownLatch(1).await();
    }

    /**
     * The server runs detached from this JVM ({@code pg_ctl} daemonizes it). When {@code pg_ctl stop} failed (seen
     * once under load, without a reason), the postmaster named in {@code postmaster.pid} is still up: SIGTERM (a
     * smart shutdown; the services are stopped before PostgreSQL, so no client holds it), then SIGKILL.
     */
    private static void stopIfStillRunning(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        long pid;
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip());
        } catch (IOException | RuntimeException e) {
            return;
        }
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (postmaster.isEmpty()) {
            return;
        }
        LOG.warn("PostgreSQL (pid {}) is still running after pg_ctl stop; sending SIGTERM", pid);
        postmaster.get().destroy();
        try {
            postmaster.get().onExit().get(10, TimeUnit.SECONDS);
            LOG.info("PostgreSQL (pid {}) stopped", pid);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("PostgreSQL (pid {}) did not stop within 10 s; killed", pid);
            postmaster.get().destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            postmaster.get().destroyForcibly();
        }
    }
}
