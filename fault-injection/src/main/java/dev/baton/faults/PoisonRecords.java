package dev.baton.faults;

import dev.baton.events.EventCodec;
import dev.baton.events.ServerUp;
import dev.baton.events.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Records no Baton service wrote, on every topic: garbage bytes, a valid event cut in half, an oversized one (900 KiB
 * of JSON) and a valid event of an unsupported schema version. Their key ({@value #KEY}) names no entity, so on the
 * compacted topics they never replace a real role's latest record. Every service must survive them; the checker then
 * finds each one on an audited topic stored once as a dead letter.
 */
final class PoisonRecords {
    static final String KEY = "poison";
    private final Faults faults;

    PoisonRecords(Faults faults) {
        this.faults = faults;
    }

    /** The four kinds of bad value, by name. */
    static Map<String, byte[]> values() {
        String valid = new EventCodec().encodeToString(new ServerUp(UUID.randomUUID(), Instant.now(), "poison-server",
                "poison-incarnation", "127.0.0.1"));
        byte[] oversized = new byte[900 * 1024];
        Arrays.fill(oversized, (byte) 'x');
        byte[] prefix = "{\"type\":\"ServerUp\",\"schemaVersion\":1,\"padding\":\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(prefix, 0, oversized, 0, prefix.length);
        byte[] suffix = "\"}".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(suffix, 0, oversized, oversized.length - suffix.length, suffix.length);
        return Map.of(
                "garbage", new byte[] {(byte) 0xff, 0x00, (byte) 0xfe, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'},
                "truncated", valid.substring(0, valid.length() / 2).getBytes(StandardCharsets.UTF_8),
                "oversized", oversized,
                "wrong-version", valid.replaceFirst("\"schemaVersion\":\\d+", "\"schemaVersion\":999")
                        .getBytes(StandardCharsets.UTF_8));
    }

    void publishOnEveryTopic() throws InterruptedException {
        publish(List.of(Topic.values()));
        // The services read them within a poll or two; any that died of them shows in the recovery check.
        Waits.hold(java.time.Duration.ofSeconds(2));
        for (String dead : faults.cluster().dead()) {
            faults.incident(dead + " died after the poison records");
        }
    }

    /** The four bad records on each of {@code topics}. */
    void publish(List<Topic> topics) throws InterruptedException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, faults.cluster().directBootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(1024 * 1024));
        Map<String, byte[]> values = values();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (Topic topic : topics) {
                for (Map.Entry<String, byte[]> value : values.entrySet()) {
                    try {
                        producer.send(new ProducerRecord<>(topic.topicName(), KEY, value.getValue()))
                                .get(10, TimeUnit.SECONDS);
                    } catch (ExecutionException | TimeoutException e) {
                        faults.incident("publishing a " + value.getKey() + " record on " + topic.topicName()
                                + " failed: " + e);
                    }
                }
            }
        }
    }
}
