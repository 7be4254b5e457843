package dev.baton.audit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.audit.ingest.AuditedTopics;
import dev.baton.audit.ingest.Backoff;
import dev.baton.audit.ingest.EventRows;
import dev.baton.events.EventCodec;
import dev.baton.runtime.http.OpsEndpoints;
import dev.baton.runtime.http.Readiness;
import dev.baton.runtime.kafka.TopicBootstrap;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit-service, wired: migrates the schema, creates missing topics, starts the consumer thread and the
 * HTTP server. {@link #start} returns once all of them run; {@link #close} stops them. Tests start and stop it
 * in-process, and inject crashes through {@link IngestHooks}.
 */
public final class AuditService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Longer request lines are refused by Vert.x (414/431, no JSON body); shorter ones reach validation and get a
     * readable 400, even with a hostile 10 000-character filter value.
     */
    private static final int MAX_REQUEST_LINE = 64 * 1024;

    private final HikariDataSource ingestPool;
    private final HikariDataSource queryPool;
    private final KafkaAuditConsumer consumer;
    private final AuditMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final Vertx vertx;
    private final WorkerExecutor workers;
    private final HttpServer server;

    private AuditService(HikariDataSource ingestPool, HikariDataSource queryPool, KafkaAuditConsumer consumer,
            AuditMetrics metrics, PrometheusMeterRegistry registry, Vertx vertx, WorkerExecutor workers,
            HttpServer server) {
        this.ingestPool = ingestPool;
        this.queryPool = queryPool;
        this.consumer = consumer;
        this.metrics = metrics;
        this.registry = registry;
        this.vertx = vertx;
        this.workers = workers;
        this.server = server;
    }

    /** Starts the service for production. */
    public static AuditService start(AuditSettings settings) throws Exception {
        return start(settings, IngestHooks.NONE);
    }

    /**
     * Starts the service.
     *
     * @throws Exception when PostgreSQL or Kafka cannot be reached at start-up, or the port is taken
     */
    public static AuditService start(AuditSettings settings, IngestHooks hooks) throws Exception {
        HikariDataSource ingestPool = null;
        HikariDataSource queryPool = null;
        Vertx vertx = null;
        KafkaAuditConsumer consumer = null;
        try {
            ingestPool = ingestPool(settings);
            PostgresEventStore.migrate(ingestPool);
            queryPool = queryPool(settings);
            TopicBootstrap.ensure(settings.kafka(), AuditedTopics.TOPICS, STARTUP_TIMEOUT);

            PrometheusMeterRegistry registry = OpsEndpoints.newRegistry(AuditSettings.SERVICE);
            AuditMetrics metrics = new AuditMetrics(registry);
            List<String> topics = AuditedTopics.TOPICS.stream().map(settings.kafka()::topic).toList();
            consumer = new KafkaAuditConsumer(
                    new KafkaConsumer<>(consumerProperties(settings)),
                    topics,
                    new PostgresEventStore(ingestPool),
                    new EventRows(new EventCodec(), AuditSettings.SERVICE),
                    new Backoff(settings.retryInitial(), settings.retryMax()),
                    settings.pollTimeout(),
                    settings.batchSize(),
                    metrics,
                    hooks,
                    Clock.systemUTC());

            vertx = Vertx.vertx();
            WorkerExecutor workers = vertx.createSharedWorkerExecutor("audit-query", settings.httpWorkers());
            AuditHttpApi api = new AuditHttpApi(new PostgresEventStore(queryPool), workers);
            KafkaAuditConsumer readinessSource = consumer;
            HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                            .setMaxInitialLineLength(MAX_REQUEST_LINE)
                            .setMaxHeaderSize(MAX_REQUEST_LINE + 8 * 1024)
                            // HTTP/2 (h2c upgrade) counts the path against the header list size.
                            .setInitialSettings(new Http2Settings().setMaxHeaderListSize(MAX_REQUEST_LINE + 8 * 1024)))
                    .requestHandler(api.router(vertx, settings.apiToken(), registry,
                            () -> readiness(readinessSource, metrics)))
                    .listen(settings.httpPort(), settings.httpHost())
                    .toCompletionStage().toCompletableFuture()
                    .get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            consumer.start();
            LOG.info("Audit service listening on {}:{}, consuming {} as group {}", settings.httpHost(),
                    server.actualPort(), topics, settings.groupId());
            return new AuditService(ingestPool, queryPool, consumer, metrics, registry, vertx, workers, server);
        } catch (Exception e) {
            if (consumer != null) {
                consumer.close();
            }
            closeQuietly(vertx, ingestPool, queryPool);
            throw e;
        }
    }

    private static Readiness readiness(KafkaAuditConsumer consumer, AuditMetrics metrics) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("consumer", consumer.state().name());
        details.put("database", consumer.databaseUp() ? "UP" : "DOWN");
        details.put("lag", metrics.lag());
        details.put("pendingEvents", consumer.pendingEvents());
        if (consumer.lastProblem() != null) {
            details.put("problem", consumer.lastProblem());
        }
        boolean ready = consumer.databaseUp()
                && (consumer.state() == KafkaAuditConsumer.State.RUNNING
                        || consumer.state() == KafkaAuditConsumer.State.STARTING);
        return new Readiness(ready, details);
    }

    static Properties consumerProperties(AuditSettings settings) {
        Properties props = settings.kafka().consumer(settings.groupId(), "audit");
        // A batch gathers several polls while the batch before it is written.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                Integer.toString(KafkaAuditConsumer.maxPollRecords(settings.batchSize())));
        // Records of aborted transactions (a deposed placement leader's) never happened: do not audit them.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    private static HikariDataSource ingestPool(AuditSettings settings) {
        HikariConfig config = baseConfig(settings, "audit-ingest");
        // One consumer thread writes; a second connection only helps while a broken one is being replaced.
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    private static HikariDataSource queryPool(AuditSettings settings) {
        HikariConfig config = baseConfig(settings, "audit-query");
        config.setMaximumPoolSize(settings.httpWorkers());
        config.setMinimumIdle(1);
        // The API only reads: its sessions are read-only, so no request can change the store whatever it sends.
        config.setReadOnly(true);
        config.addDataSourceProperty("readOnlyMode", "always");
        config.setConnectionInitSql("SET statement_timeout = " + settings.queryTimeout().toMillis());
        return new HikariDataSource(config);
    }

    private static HikariConfig baseConfig(AuditSettings settings, String name) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(settings.dbUrl());
        config.setUsername(settings.dbUser());
        config.setPassword(settings.dbPassword());
        // Fail fast while PostgreSQL is away, so the consumer backs off instead of hanging.
        config.setConnectionTimeout(3_000);
        config.setValidationTimeout(2_000);
        config.addDataSourceProperty("connectTimeout", "3");
        config.addDataSourceProperty("socketTimeout", "60");
        config.addDataSourceProperty("ApplicationName", "baton-" + name);
        return config;
    }

    /** The HTTP port actually listened on (useful with port 0). */
    public int httpPort() {
        return server.actualPort();
    }

    public AuditMetrics metrics() {
        return metrics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public KafkaAuditConsumer consumer() {
        return consumer;
    }

    /** Stops the consumer (finishing a batch being written), the HTTP server and the pools. */
    @Override
    public void close() {
        consumer.close();
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("HTTP server did not close cleanly: {}", e.toString());
        }
        workers.close();
        closeQuietly(vertx, ingestPool, queryPool);
        registry.close();
        LOG.info("Audit service stopped");
    }

    private static void closeQuietly(Vertx vertx, HikariDataSource ingestPool, HikariDataSource queryPool) {
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("Vert.x did not close cleanly: {}", e.toString());
            }
        }
        if (ingestPool != null) {
            ingestPool.close();
        }
        if (queryPool != null) {
            queryPool.close();
        }
    }
}
