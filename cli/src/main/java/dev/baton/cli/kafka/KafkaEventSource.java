package dev.baton.cli.kafka;

import dev.baton.cli.CliException;
import dev.baton.cli.format.Texts;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows topics with a plain Kafka consumer: no consumer group (nothing is committed, several {@code tail}s do not
 * share records), every partition assigned, committed records only (a deposed placement leader's aborted
 * decisions are never shown), and no topic is ever created by asking for it.
 */
public final class KafkaEventSource implements EventSource {
    private final KafkaConsumer<String, byte[]> consumer;
    private volatile boolean stopped;

    private KafkaEventSource(KafkaConsumer<String, byte[]> consumer) {
        this.consumer = consumer;
    }

    /** A factory of sources that report topics they cannot follow on {@code err}. */
    public static EventSourceFactory factory(PrintWriter err) {
        return (bootstrap, topics, fromBeginning, brokerWait) -> open(bootstrap, topics, fromBeginning, err,
                brokerWait);
    }

    static KafkaEventSource open(String bootstrap, List<String> topics, boolean fromBeginning, PrintWriter err,
            Duration metadataTimeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "baton-cli");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer;
        try {
            consumer = new KafkaConsumer<>(props);
        } catch (KafkaException e) {
            throw new CliException("cannot use Kafka bootstrap servers '" + bootstrap + "': " + rootMessage(e)
                    + ". Set --bootstrap or BATON_KAFKA_BOOTSTRAP_SERVERS");
        }
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos;
                try {
                    infos = consumer.partitionsFor(topic, metadataTimeout);
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    throw new CliException("cannot reach Kafka at " + bootstrap + " within "
                            + Texts.millis(metadataTimeout.toMillis()) + ": is the broker running? Set --bootstrap or "
                            + "BATON_KAFKA_BOOTSTRAP_SERVERS");
                }
                if (infos == null || infos.isEmpty()) {
                    missing.add(topic);
                } else {
                    infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
                }
            }
            if (partitions.isEmpty()) {
                throw new CliException("no such topic at " + bootstrap + ": " + String.join(", ", missing)
                        + " (Baton services create their topics when they start; is --namespace right?)");
            }
            if (!missing.isEmpty()) {
                err.println("baton: not following " + String.join(", ", missing) + ": no such topic (yet)");
                err.flush();
            }
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            // Resolve the positions now: "from the end" means from when the command started, not from the
            // first poll.
            partitions.forEach(consumer::position);
            return new KafkaEventSource(consumer);
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            if (e instanceof CliException) {
                throw e;
            }
            throw new CliException("cannot follow topics at " + bootstrap + ": " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) {
        if (stopped) {
            return List.of();
        }
        List<SourceRecord> records = new ArrayList<>();
        try {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
                records.add(new SourceRecord(record.topic(), record.partition(), record.offset(),
                        Instant.ofEpochMilli(record.timestamp()), record.key(), record.value()));
            }
        } catch (WakeupException e) {
            stopped = true;
        }
        return records;
    }

    @Override
    public void wakeup() {
        stopped = true;
        consumer.wakeup();
    }

    @Override
    public boolean stopped() {
        return stopped;
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
    }
}
