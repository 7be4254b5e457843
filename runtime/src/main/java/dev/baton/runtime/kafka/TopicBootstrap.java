package dev.baton.runtime.kafka;

import dev.baton.events.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the Baton topics a service needs when they do not exist yet, with the partitions, cleanup policy and
 * retention of {@link Topic}. Existing topics are left as they are: an operator may have tuned them.
 */
public final class TopicBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrap.class);

    private TopicBootstrap() {
    }

    /** Creates the missing ones among every Baton topic; blocks up to {@code timeout}. */
    public static void ensureAll(KafkaSettings settings, Duration timeout) {
        ensure(settings, List.of(Topic.values()), timeout);
    }

    /**
     * Creates the missing ones among {@code topics}, with the settings' replication factor; blocks up to
     * {@code timeout}.
     */
    public static void ensure(KafkaSettings settings, List<Topic> topics, Duration timeout) {
        short replicationFactor = settings.replicationFactor();
        // The admin calls themselves time out too: closing the Admin waits for pending calls, which would
        // otherwise run to default.api.timeout.ms (60 s) when the brokers cannot be reached.
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        try (Admin admin = Admin.create(settings.admin())) {
            Set<String> existing = admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs)).names()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic topic : topics) {
                String name = settings.topic(topic);
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, topic.partitions(), replicationFactor).configs(configs(topic)));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing, new CreateTopicsOptions().timeoutMs(timeoutMs)).all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics on " + settings.bootstrapServers() + ": " + e, e);
        }
    }

    static Map<String, String> configs(Topic topic) {
        Map<String, String> configs = new HashMap<>();
        if (topic.compacted()) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        } else {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retention().toMillis()));
            if (topic.retention().compareTo(Duration.ofDays(1)) <= 0) {
                // Retention only deletes whole segments: short-lived topics roll theirs often so it takes effect.
                configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(topic.retention().dividedBy(6).toMillis()));
            }
        }
        if (topic.logAppendTime()) {
            configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        }
        return configs;
    }
}
