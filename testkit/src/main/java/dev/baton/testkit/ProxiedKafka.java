package dev.baton.testkit;

/**
 * A test class's own broker with a listener behind a {@link TcpProxy}, from {@link ProxiedKafkaExtension}.
 *
 * <p>Configure the client under test with {@link #proxiedBootstrapServers()}: all of its connections go through
 * {@link #proxy()}, which the test can {@link TcpProxy#cut() cut} and {@link TcpProxy#restore() restore}. The test's
 * own reads and writes through {@link #kafka()} use the direct listener and keep working while the proxy is cut.
 */
public final class ProxiedKafka implements AutoCloseable {
    private final EmbeddedKafkaBroker broker;
    private final TestKafka kafka;

    private ProxiedKafka(EmbeddedKafkaBroker broker, TestKafka kafka) {
        this.broker = broker;
        this.kafka = kafka;
    }

    /** Starts a broker with a proxied listener and creates every Baton topic in a namespace of {@code testClass}. */
    public static ProxiedKafka start(Class<?> testClass) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startWithProxy();
        try {
            return new ProxiedKafka(broker, TestKafka.create(broker, testClass));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** The test's view of the broker over the direct listener: its namespace, producer and waiting reads. */
    public TestKafka kafka() {
        return kafka;
    }

    /** The proxy every connection of a client bootstrapped at {@link #proxiedBootstrapServers()} goes through. */
    public TcpProxy proxy() {
        return broker.proxy();
    }

    /** {@code bootstrap.servers} for the client under test. */
    public String proxiedBootstrapServers() {
        return broker.proxiedBootstrapServers();
    }

    /** {@code bootstrap.servers} of the direct listener, which the proxy does not affect. */
    public String directBootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            broker.close();
        }
    }
}
