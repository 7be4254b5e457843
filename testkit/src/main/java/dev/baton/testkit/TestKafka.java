package dev.baton.testkit;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import dev.baton.events.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One test class's view of the shared broker: its own topic namespace (every Baton topic created in it), a
 * producer for events and raw records, and reads that wait for what a test expects with a timeout.
 */
public final class TestKafka implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(50);

    private final String bootstrapServers;
    private final String namespace;
    private final EventCodec codec = new EventCodec();
    private final KafkaProducer<String, byte[]> producer;

    private TestKafka(String bootstrapServers, String namespace) {
        this.bootstrapServers = bootstrapServers;
        this.namespace = namespace;
        this.producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer());
    }

    static TestKafka create(KafkaBroker broker, Class<?> testClass) {
        TestKafka kafka = new TestKafka(broker.bootstrapServers(), Names.unique(testClass));
        kafka.createTopics();
        return kafka;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** This class's topic namespace: services under test are configured with it. */
    public String namespace() {
        return namespace;
    }

    /** The name of {@code topic} in this class's namespace. */
    public String topic(Topic topic) {
        return topic.in(namespace);
    }

    /** Client properties with the bootstrap servers set. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    public Properties producerProperties() {
        Properties props = clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return props;
    }

    public Properties consumerProperties(String groupId) {
        Properties props = clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /** Creates every Baton topic in this namespace with its documented partitions and cleanup policy. */
    public void createTopics() {
        try (Admin admin = Admin.create(clientProperties())) {
            List<NewTopic> topics = Arrays.stream(Topic.values()).map(this::newTopic).toList();
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics in namespace " + namespace, e);
        }
    }

    private NewTopic newTopic(Topic topic) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                topic.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        if (topic.logAppendTime()) {
            configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        }
        return new NewTopic(topic(topic), topic.partitions(), (short) 1).configs(configs);
    }

    /** Publishes {@code event} to its topic in this namespace, keyed as the contract says; waits for the ack. */
    public RecordMetadata send(BatonEvent event) {
        return sendRaw(topic(event.topic()), event.key(), codec.encode(event));
    }

    /** Publishes raw bytes, e.g. a malformed record; waits for the ack. */
    public RecordMetadata sendRaw(String topic, String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /**
     * Waits until {@code topic} holds an event of {@code type} matching {@code match}, reading from the
     * beginning, and returns the first such event.
     *
     * @throws AssertionError when none arrives within {@code timeout}, listing what was seen
     */
    public <T extends BatonEvent> T awaitEvent(Topic topic, Class<T> type, Predicate<? super T> match, Duration timeout) {
        return awaitEvents(topic, type, match, 1, timeout).get(0);
    }

    /**
     * Waits until {@code topic} holds at least {@code count} events of {@code type} matching {@code match} and
     * returns the first {@code count} of them in partition order.
     */
    public <T extends BatonEvent> List<T> awaitEvents(
            Topic topic, Class<T> type, Predicate<? super T> match, int count, Duration timeout) {
        List<T> found = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = assignedFromBeginning(topic(topic))) {
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    BatonEvent event;
                    try {
                        event = codec.decode(record.value());
                    } catch (EventDecodingException e) {
                        seen.add("<undecodable: " + e.getMessage() + ">");
                        continue;
                    }
                    seen.add(event.type().wireName());
                    if (type.isInstance(event) && match.test(type.cast(event))) {
                        found.add(type.cast(event));
                        if (found.size() == count) {
                            return found;
                        }
                    }
                }
            }
        }
        throw new AssertionError("expected " + count + " " + type.getSimpleName() + " on " + topic(topic) + " within "
                + timeout.toMillis() + " ms, found " + found.size() + "; seen: " + summarize(seen));
    }

    /** Every record currently on {@code topic}, read up to the end offsets at the time of the call. */
    public List<ConsumerRecord<String, byte[]>> readAll(Topic topic, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = assignedFromBeginning(topic(topic))) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic(topic) + " to its end within " + timeout);
                }
                consumer.poll(POLL).forEach(records::add);
            }
        }
        return records;
    }

    private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Decodes {@code record}'s value with the project's codec. */
    public BatonEvent decode(ConsumerRecord<String, byte[]> record) {
        return codec.decode(record.value());
    }

    private KafkaConsumer<String, byte[]> assignedFromBeginning(String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                consumerProperties("testkit-" + UUID.randomUUID()), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static String summarize(List<String> seen) {
        return seen.size() <= 20 ? seen.toString() : seen.subList(0, 20) + " and " + (seen.size() - 20) + " more";
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
