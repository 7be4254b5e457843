package dev.baton.audit;

import dev.baton.events.Ids;
import dev.baton.runtime.config.Config;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;

/**
 * The audit-service's validated configuration. Secrets ({@code db.password}, {@code api.token}) never appear in
 * {@link #toString()}.
 *
 * @param kafka {@code kafka.bootstrap.servers}, {@code kafka.topic.namespace}
 * @param groupId {@code kafka.group.id}: the consumer group whose committed offsets mark what is stored
 * @param dbUrl {@code db.url}, a {@code jdbc:postgresql:} URL
 * @param httpHost {@code http.host}
 * @param httpPort {@code http.port}; 0 picks a free port
 * @param httpWorkers {@code http.workers}: threads (and query connections) serving API queries
 * @param apiToken {@code api.token}: the bearer token of the read-only API
 * @param batchSize {@code audit.batch.size}: most records per database transaction
 * @param pollTimeout {@code audit.poll.timeout}
 * @param retryInitial {@code db.retry.initial}: first wait after a failed write
 * @param retryMax {@code db.retry.max}: longest wait between retries
 * @param queryTimeout {@code db.query.timeout}: statement time-out of API queries
 */
public record AuditSettings(
        KafkaSettings kafka,
        String groupId,
        String dbUrl,
        String dbUser,
        String dbPassword,
        String httpHost,
        int httpPort,
        int httpWorkers,
        String apiToken,
        int batchSize,
        Duration pollTimeout,
        Duration retryInitial,
        Duration retryMax,
        Duration queryTimeout) {

    public static final String SERVICE = "audit-service";
    public static final int DEFAULT_HTTP_PORT = 8083;
    /** Shorter tokens are refused: a bearer token is the API's only protection. */
    public static final int MIN_TOKEN_LENGTH = 16;

    /** Reads and validates every key; problems are recorded in {@code config} and reported together. */
    public static AuditSettings from(Config config) {
        KafkaSettings kafka = KafkaSettings.from(config, SERVICE);
        String groupId = config.string("kafka.group.id", "baton-audit");
        try {
            Ids.requireValid("kafka.group.id", groupId);
        } catch (IllegalArgumentException e) {
            config.problem(e.getMessage());
        }
        String dbUrl = config.string("db.url");
        if (dbUrl != null && !dbUrl.startsWith("jdbc:postgresql:")) {
            config.problem("db.url must be a jdbc:postgresql: URL, was '" + dbUrl + "'");
        }
        String dbUser = config.string("db.user", "baton");
        String dbPassword = config.string("db.password", "");
        String httpHost = config.string("http.host", "0.0.0.0");
        int httpPort = config.integer("http.port", DEFAULT_HTTP_PORT, 0, 65535);
        int httpWorkers = config.integer("http.workers", 4, 1, 64);
        String token = config.string("api.token");
        if (token != null && token.length() < MIN_TOKEN_LENGTH) {
            config.problem("api.token must be at least " + MIN_TOKEN_LENGTH + " characters long");
        }
        int batchSize = config.integer("audit.batch.size", 2_000, 1, 10_000);
        Duration pollTimeout = config.duration("audit.poll.timeout", Duration.ofMillis(500));
        Duration retryInitial = config.duration("db.retry.initial", Duration.ofMillis(200));
        Duration retryMax = config.duration("db.retry.max", Duration.ofSeconds(10));
        if (retryInitial.isZero()) {
            config.problem("db.retry.initial must be positive");
        } else if (retryMax.compareTo(retryInitial) < 0) {
            config.problem("db.retry.max must not be below db.retry.initial");
        }
        Duration queryTimeout = config.duration("db.query.timeout", Duration.ofSeconds(10));
        if (pollTimeout.isZero()) {
            config.problem("audit.poll.timeout must be positive");
        }
        return new AuditSettings(kafka, groupId, dbUrl, dbUser, dbPassword, httpHost, httpPort, httpWorkers, token, batchSize, pollTimeout, retryInitial, retryMax,
                queryTimeout);
    }

    /** The same settings listening on another port; tests start on port 0. */
    public AuditSettings withHttpPort(int port) {
        return new AuditSettings(kafka, groupId, dbUrl, dbUser, dbPassword, httpHost, port,
                httpWorkers, apiToken, batchSize, pollTimeout, retryInitial, retryMax, queryTimeout);
    }

    @Override
    public String toString() {
        return "AuditSettings[kafka=" + kafka + ", groupId=" + groupId
                + ", dbUrl=" + dbUrl + ", dbUser=" + dbUser + ", dbPassword=****, httpHost=" + httpHost
                + ", httpPort=" + httpPort + ", httpWorkers=" + httpWorkers + ", apiToken=****, batchSize=" + batchSize
                + ", pollTimeout=" + pollTimeout + ", retryInitial=" + retryInitial + ", retryMax=" + retryMax
                + ", queryTimeout=" + queryTimeout + "]";
    }
}
