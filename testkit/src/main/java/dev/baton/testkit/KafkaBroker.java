package dev.baton.testkit;

/** A running Kafka broker that tests and local runs connect to. */
public interface KafkaBroker extends AutoCloseable {
    /** {@code host:port} for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Stops the broker; its data is kept only when the broker was started on a data directory of the caller's. */
    @Override
    void close();
}
