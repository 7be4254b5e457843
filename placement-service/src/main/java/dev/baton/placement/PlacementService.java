package dev.baton.placement;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.placement.api.AdminHttpApi;
import dev.baton.placement.console.ConsoleRoutes;
import dev.baton.placement.api.KafkaConfigPublisher;
import dev.baton.placement.api.PlacementSnapshot;
import dev.baton.placement.loop.PlacementLoops;
import dev.baton.placement.store.PostgresRoleStore;
import dev.baton.runtime.http.HttpSupport;
import dev.baton.runtime.http.OpsEndpoints;
import dev.baton.runtime.http.Readiness;
import dev.baton.runtime.kafka.TopicBootstrap;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running placement-service instance: the database (migrated at start), the placement loop on its own
 * thread, and one HTTP server with the admin API, health and metrics.
 */
public final class PlacementService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementService.class);

    private final PlacementSettings settings;
    private final HikariDataSource dataSource;
    private final PlacementLoops loops;
    private final Vertx vertx;
    private final HttpServer http;
    private final KafkaConfigPublisher configPublisher;

    private PlacementService(PlacementSettings settings, HikariDataSource dataSource, PlacementLoops loops, Vertx vertx,
            HttpServer http, KafkaConfigPublisher configPublisher) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.loops = loops;
        this.vertx = vertx;
        this.http = http;
        this.configPublisher = configPublisher;
    }

    /** Starts an instance; blocks until it serves HTTP. */
    public static PlacementService start(PlacementSettings settings) throws Exception {
        return start(settings, Clock.systemUTC());
    }

    public static PlacementService start(PlacementSettings settings, Clock clock) throws Exception {
        TopicBootstrap.ensureAll(settings.kafka(), Duration.ofSeconds(30));
        HikariDataSource dataSource = dataSource(settings);
        PostgresRoleStore.migrate(dataSource);
        PostgresRoleStore store = new PostgresRoleStore(dataSource);
        PrometheusMeterRegistry registry = OpsEndpoints.newRegistry(PlacementSettings.SERVICE);
        PlacementLoops loops = PlacementLoops.start(settings, store, registry, clock);
        Vertx vertx = Vertx.vertx();
        KafkaConfigPublisher configPublisher = new KafkaConfigPublisher(settings.kafka());
        try {
            Router router = Router.router(vertx);
            HttpSupport.installErrorHandling(router);
            OpsEndpoints.mount(router, PlacementSettings.SERVICE, registry, () -> readiness(loops.control().snapshot()));
            AdminHttpApi api = new AdminHttpApi(vertx, store, loops.control(), configPublisher, settings.apiToken(),
                    settings.apiReadToken(), settings.controlPlaneFailover(), "admin-api", clock, Duration.ofSeconds(5),
                    settings.policy());
            api.mount(router);
            ConsoleRoutes.mount(router);
            HttpServer http = vertx.createHttpServer().requestHandler(router)
                    .listen(settings.httpPort(), settings.httpHost())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            LOG.info("placement-service {} serving HTTP on port {}", settings.instanceId(), http.actualPort());
            loops.control().advertiseAdminUrl(settings.adminUrl() != null ? settings.adminUrl()
                    : "http://" + ("0.0.0.0".equals(settings.httpHost()) ? "127.0.0.1" : settings.httpHost()) + ":"
                            + http.actualPort());
            return new PlacementService(settings, dataSource, loops, vertx, http, configPublisher);
        } catch (Exception e) {
            loops.close();
            vertx.close();
            configPublisher.close();
            dataSource.close();
            throw e;
        }
    }

    private static HikariDataSource dataSource(PlacementSettings settings) {
        return new HikariDataSource(poolConfig(settings));
    }

    /**
     * The pool of the placement's database. A PostgreSQL that does not answer (paused, partitioned) must cost a
     * request seconds, not hang it: a connection is waited for at most 3 s, opened within 3 s, and a statement gets
     * no answer for at most 10 s before the driver gives up (pgjdbc's {@code socketTimeout}, in seconds). The
     * statements here are small; nothing legitimate takes that long.
     */
    static HikariConfig poolConfig(PlacementSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.dbUrl());
        config.setUsername(settings.dbUser());
        config.setPassword(settings.dbPassword());
        config.setMaximumPoolSize(6);
        config.setPoolName("placement-db");
        config.setConnectionTimeout(3_000);
        config.addDataSourceProperty("connectTimeout", "3");
        config.addDataSourceProperty("socketTimeout", "10");
        return config;
    }

    static Readiness readiness(PlacementSnapshot snapshot) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("instance", snapshot.instanceId());
        details.put("leader", snapshot.leader());
        details.put("leaderId", snapshot.leaderId() == null ? "none" : snapshot.leaderId());
        details.put("term", snapshot.term());
        details.put("roles", snapshot.assignments().all().size());
        details.put("servers", snapshot.view().servers().size());
        if (snapshot.deferredBecause() != null) {
            details.put("deferredBecause", snapshot.deferredBecause());
        }
        if (snapshot.view().safetyBrake() != null) {
            // Still ready: the instance works, it holds failovers on purpose and says why.
            details.put("safetyBrake", snapshot.view().safetyBrake().describe());
        }
        return snapshot.view().ready() ? Readiness.ready(details) : Readiness.notReady(details);
    }

    /** The port the HTTP server listens on (useful with port 0). */
    public int httpPort() {
        return http.actualPort();
    }

    public PlacementSnapshot snapshot() {
        return loops.control().snapshot();
    }

    public PlacementSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        try {
            http.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP server did not close cleanly: {}", e.toString());
        }
        loops.close();
        configPublisher.close();
        vertx.close();
        dataSource.close();
    }
}
