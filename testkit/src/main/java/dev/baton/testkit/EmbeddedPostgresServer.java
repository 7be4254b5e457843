package dev.baton.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server run from the binaries on the classpath (no Docker, works as root).
 *
 * <p>The binaries are unpacked once into the cache folder of {@link PostgresBinaries} (documented there), never into
 * the temp directory. With a caller-owned data directory the cluster is initialised once and reused on the next start.
 */
public final class EmbeddedPostgresServer implements PostgresServer {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts PostgreSQL on a free port with a temporary data directory. */
    public static EmbeddedPostgresServer start() {
        return start(null, 0);
    }

    /**
     * Starts PostgreSQL.
     *
     * @param dataDir where the cluster lives and is kept across starts; null for a temporary one
     * @param port the port to listen on; 0 for a free one
     */
    public static EmbeddedPostgresServer start(Path dataDir, int port) {
        return start(PostgresBinaries.configured(), dataDir, port);
    }

    /**
     * Starts PostgreSQL from {@code binaries}, unpacking them first when their cache holds no complete copy.
     *
     * @param dataDir where the cluster lives and is kept across starts; null for a temporary one
     * @param port the port to listen on; 0 for a free one
     */
    public static EmbeddedPostgresServer start(PostgresBinaries binaries, Path dataDir, int port) {
        long started = System.nanoTime();
        PostgresBinaries.Prepared prepared = binaries.prepare();
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(binaries.cache().toFile())
                    .setPgBinaryResolver(prepared.resolver())
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", dataDir == null ? "off" : "on")
                    .setServerConfig("synchronous_commit", dataDir == null ? "off" : "on");
            if (port > 0) {
                builder.setPort(port);
            }
            if (dataDir != null) {
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
            }
            EmbeddedPostgres postgres = builder.start();
            LOG.info("Embedded PostgreSQL ready on port {} in {} ms (binaries in {})",
                    postgres.getPort(), (System.nanoTime() - started) / 1_000_000, prepared.folder());
            return new EmbeddedPostgresServer(postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
    }

    @Override
    public String username() {
        return "postgres";
    }

    @Override
    public String password() {
        return "postgres";
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
        }
    }
}
