package dev.baton.runtime.kafka;

import dev.baton.events.Ids;
import dev.baton.events.Topic;
import dev.baton.runtime.config.Config;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How a service reaches Kafka: bootstrap servers, the topic namespace, and a client id prefix.
 *
 * @param namespace topics are {@code <namespace>.<suffix>}; {@code baton} by default
 * @param clientId prefix of the client ids, so broker logs and metrics name the service instance
 * @param replicationFactor of the topics a service creates when they are missing
 *     ({@code kafka.topic.replication.factor}); 1 for a single broker, 3 for a production cluster
 */
public record KafkaSettings(String bootstrapServers, String namespace, String clientId, short replicationFactor) {
    public KafkaSettings {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("kafka.topic.replication.factor must be at least 1, was " + replicationFactor);
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("kafka.bootstrap.servers is required");
        }
        Ids.requireValid("kafka.topic.namespace", namespace);
        Ids.requireValid("clientId", clientId);
    }

    /** Settings for a single broker (replication factor 1). */
    public KafkaSettings(String bootstrapServers, String namespace, String clientId) {
        this(bootstrapServers, namespace, clientId, (short) 1);
    }

    /**
     * Reads {@code kafka.bootstrap.servers}, {@code kafka.topic.namespace} and
     * {@code kafka.topic.replication.factor} from {@code config}.
     */
    public static KafkaSettings from(Config config, String clientId) {
        String bootstrap = config.string("kafka.bootstrap.servers", "127.0.0.1:9092");
        String namespace = config.string("kafka.topic.namespace", Topic.DEFAULT_NAMESPACE);
        int replication = config.integer("kafka.topic.replication.factor", 1, 1, Short.MAX_VALUE);
        try {
            return new KafkaSettings(bootstrap, namespace, clientId, (short) replication);
        } catch (IllegalArgumentException e) {
            config.problem(e.getMessage());
            return new KafkaSettings("invalid:0", Topic.DEFAULT_NAMESPACE, "invalid");
        }
    }

    static final int RECONNECT_BACKOFF_MAX_MS = 250;

    public String topic(Topic topic) {
        return topic.in(namespace);
    }

    public Properties admin() {
        Properties props = base();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId + "-admin");
        return props;
    }

    /**
     * An idempotent producer with {@code acks=all}, string keys and byte values: nothing a service publishes is
     * lost or duplicated by retries.
     */
    public Properties producer(String purpose) {
        Properties props = base();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-" + purpose);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /**
     * A consumer of string keys and byte values that commits offsets only when told to, and reads only committed
     * records: the placement leader publishes its decisions in transactions, and a deposed leader's aborted
     * decisions must never be seen.
     */
    public Properties consumer(String groupId, String purpose) {
        Properties props = base();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + purpose);
        if (groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /**
     * What every client shares: after a broker restart a client reconnects within {@value #RECONNECT_BACKOFF_MAX_MS}
     * ms of the broker listening again (the default backs off to a second), so roles fenced by the outage are granted
     * again in well under a second.
     */
    private static Properties base() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, Integer.toString(RECONNECT_BACKOFF_MAX_MS));
        return props;
    }

    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", namespace=" + namespace + ", clientId=" + clientId
                + ", replicationFactor=" + replicationFactor + "]";
    }
}
