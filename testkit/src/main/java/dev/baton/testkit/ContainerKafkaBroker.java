package dev.baton.testkit;

import org.testcontainers.kafka.KafkaContainer;

/** Kafka in a container (apache/kafka, KRaft), for machines with Docker. */
final class ContainerKafkaBroker implements KafkaBroker {
    static final String IMAGE = "apache/kafka:4.1.0";

    private final KafkaContainer container;

    private ContainerKafkaBroker(KafkaContainer container) {
        this.container = container;
    }

    static ContainerKafkaBroker start() {
        KafkaContainer container = new KafkaContainer(IMAGE);
        container.start();
        return new ContainerKafkaBroker(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
