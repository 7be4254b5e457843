package dev.baton.faults;

import dev.baton.events.BatonEvent;
import dev.baton.events.DeadLetter;
import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.Topic;
import dev.baton.faults.check.History.AuditView;
import dev.baton.faults.check.History.Move;
import dev.baton.faults.check.History.Span;
import dev.baton.faults.check.History.StateReport;
import dev.baton.faults.check.PluginTicks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a run's history from where the system left it: role-events and the audited topics (committed records only,
 * as every Baton reader sees them), the audit store in PostgreSQL, and the plugins' tick logs.
 */
final class HistoryCollector {
    /** The topics the audit-service stores (docs/architecture.md, "Audit"). */
    static final List<Topic> AUDITED = List.of(Topic.ROLE_EVENTS, Topic.SERVER_EVENTS, Topic.CONFIG_EVENTS,
            Topic.PROXY_EVENTS, Topic.DEAD_LETTERS);
    /** Ticks further apart than this split a plugin's life into two spans (it was frozen in between). */
    static final long TICK_GAP_MS = 250;

    private final FaultCluster cluster;
    private final EventCodec codec = new EventCodec();

    HistoryCollector(FaultCluster cluster) {
        this.cluster = cluster;
    }

    record RoleEventsView(List<StateReport> states, List<Move> moves) {
    }

    RoleEventsView roleEvents() {
        List<StateReport> states = new ArrayList<>();
        List<Move> moves = new ArrayList<>();
        readAll(Topic.ROLE_EVENTS.topicName(), record -> {
            try {
                BatonEvent event = codec.decode(record.value());
                if (event instanceof RoleStateChanged changed) {
                    states.add(new StateReport(changed.roleId(), changed.serverId(), changed.epoch(),
                            changed.state().name(), changed.occurredAt().toEpochMilli()));
                } else if (event instanceof RoleMoved moved) {
                    moves.add(new Move(moved.roleId(), moved.reason().name(), moved.to(),
                            moved.decidedAt().toEpochMilli()));
                }
            } catch (EventDecodingException e) {
                // a poison record: the loss check covers it
            }
        });
        return new RoleEventsView(states, moves);
    }

    /**
     * Every record on the audited topics against the audit store, once the store holds all of them or
     * {@code catchUp} has passed (the audit may have been restarted moments before).
     */
    AuditView audit(Duration catchUp) throws InterruptedException {
        Map<UUID, String> onTopics = new HashMap<>();
        for (Topic topic : AUDITED) {
            readAll(topic.topicName(), record -> {
                if (record.value() != null) {
                    onTopics.put(idOf(record), record.topic() + "/" + record.partition() + "/" + record.offset());
                }
            });
        }
        Set<UUID> stored = Waits.within(catchUp, () -> {
            Set<UUID> ids = storedIds();
            return ids.containsAll(onTopics.keySet()) ? ids : null;
        });
        return new AuditView(onTopics, stored != null ? stored : storedIds(), storedTwice());
    }

    /** The id the audit stores a record under: its eventId, or for an undecodable record its dead letter's id. */
    private UUID idOf(ConsumerRecord<String, byte[]> record) {
        try {
            return codec.decode(record.value()).eventId();
        } catch (EventDecodingException e) {
            return DeadLetter.idFor(record.topic(), record.partition(), record.offset(), record.timestamp());
        }
    }

    private Set<UUID> storedIds() {
        Set<UUID> ids = new HashSet<>();
        query("SELECT event_id FROM events", rows -> ids.add(UUID.fromString(rows.getString(1))));
        return ids;
    }

    private List<String> storedTwice() {
        List<String> twice = new ArrayList<>();
        query("SELECT topic, kafka_partition, kafka_offset FROM events GROUP BY 1, 2, 3 HAVING count(*) > 1",
                rows -> twice.add(rows.getString(1) + "/" + rows.getInt(2) + "/" + rows.getLong(3)));
        return twice;
    }

    @FunctionalInterface
    private interface Row {
        void read(ResultSet rows) throws SQLException;
    }

    private void query(String sql, Row row) {
        try (Connection connection = DriverManager.getConnection(cluster.jdbcUrl(), "postgres", "postgres");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                row.read(rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the audit store: " + e.getMessage(), e);
        }
    }

    /** Each plugin process's spans of life, from the tick logs ({@code <role>.<server>.<pid>.ticks}). */
    List<Span> pluginSpans() {
        List<Span> spans = new ArrayList<>();
        try (Stream<Path> files = Files.list(cluster.tickDir())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".ticks")).sorted().toList()) {
                String[] name = file.getFileName().toString().split("\\.");
                List<Long> ticks = new ArrayList<>();
                for (String line : Files.readAllLines(file)) {
                    if (line.matches("\\d+")) {
                        ticks.add(Long.parseLong(line));
                    }
                }
                spans.addAll(PluginTicks.spans(name[0], name[1], name[2], ticks, TICK_GAP_MS));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return spans;
    }

    private void readAll(String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.directBootstrap());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(2 * 1024 * 1024));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " to its end took over 120 s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(each);
            }
        }
    }
}
