package dev.baton.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the broker and the database at most once per test JVM. They live in the root extension store, so
 * JUnit closes them when the whole run ends.
 */
final class SharedInfra {
    private static final Logger LOG = LoggerFactory.getLogger(SharedInfra.class);
    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create("dev.baton.testkit");

    private SharedInfra() {
    }

    static KafkaBroker broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(KafkaBroker.class, key -> startBroker(), KafkaBroker.class);
    }

    static PostgresServer postgres(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(PostgresServer.class, key -> startPostgres(), PostgresServer.class);
    }

    private static KafkaBroker startBroker() {
        InfraMode mode = InfraMode.resolve();
        LOG.info("Starting the shared Kafka broker ({})", mode);
        return mode == InfraMode.CONTAINERS ? ContainerKafkaBroker.start() : EmbeddedKafkaBroker.start();
    }

    private static PostgresServer startPostgres() {
        InfraMode mode = InfraMode.resolve();
        LOG.info("Starting the shared PostgreSQL ({})", mode);
        return mode == InfraMode.CONTAINERS ? ContainerPostgresServer.start() : EmbeddedPostgresServer.start();
    }
}
