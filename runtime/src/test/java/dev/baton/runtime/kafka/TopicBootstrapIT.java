package dev.baton.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.baton.events.Topic;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.TestKafka;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class TopicBootstrapIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final short REPLICATION = 1;

    private static Admin admin;

    @BeforeAll
    static void connect(TestKafka kafka) {
        admin = Admin.create(kafka.clientProperties());
    }

    @AfterAll
    static void disconnect() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /** Settings on a namespace of the test's own: the TestKafka namespace already has every topic. */
    private static KafkaSettings freshNamespace(TestKafka kafka, String suffix) {
        return new KafkaSettings(kafka.bootstrapServers(), kafka.namespace() + "-" + suffix, "bootstrap-it");
    }

    private static List<String> names(KafkaSettings settings, Collection<Topic> topics) {
        return topics.stream().map(settings::topic).toList();
    }

    private static Set<String> topicsIn(KafkaSettings settings) throws Exception {
        return admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                .filter(name -> name.startsWith(settings.namespace() + "."))
                .collect(Collectors.toSet());
    }

    private static Map<String, TopicDescription> describe(List<String> names) throws Exception {
        return admin.describeTopics(names).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the namespace holds exactly {@code expected} and each of them can be described: a created topic
     * reaches the metadata the broker answers with a moment after createTopics returns.
     */
    private static Map<String, TopicDescription> awaitTopics(KafkaSettings settings, List<String> expected) {
        Await.untilAsserted("topics " + expected, TIMEOUT, () -> {
            assertThat(topicsIn(settings)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(describe(expected)).hasSize(expected.size());
        });
        try {
            return describe(expected);
        } catch (Exception e) {
            throw new AssertionError("cannot describe " + expected, e);
        }
    }

    private static Map<String, Config> configs(List<String> names) throws Exception {
        List<ConfigResource> resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                .toList();
        return admin.describeConfigs(resources).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue));
    }

    @Test
    void shouldCreateEveryTopicWithItsPartitionsCleanupPolicyAndRetention(TestKafka kafka) throws Exception {
        KafkaSettings settings = freshNamespace(kafka, "fresh");
        assertThat(topicsIn(settings)).isEmpty();

        TopicBootstrap.ensureAll(settings, TIMEOUT);

        List<Topic> all = List.of(Topic.values());
        Map<String, TopicDescription> descriptions = awaitTopics(settings, names(settings, all));
        Map<String, Config> configs = configs(names(settings, all));
        for (Topic topic : all) {
            String name = settings.topic(topic);
            assertThat(descriptions.get(name).partitions()).as("partitions of %s", name).hasSize(topic.partitions());
            Config config = configs.get(name);
            ConfigEntry retention = config.get(TopicConfig.RETENTION_MS_CONFIG);
            if (topic.compacted()) {
                assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).as("cleanup.policy of %s", name)
                        .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
                assertThat(retention.source()).as("retention.ms of %s is the broker's", name)
                        .isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            } else {
                assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).as("cleanup.policy of %s", name)
                        .isEqualTo(TopicConfig.CLEANUP_POLICY_DELETE);
                assertThat(retention.value()).as("retention.ms of %s", name)
                        .isEqualTo(Long.toString(topic.retention().toMillis()));
                assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            }
            assertThat(config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).as("timestamps of %s", name)
                    .isEqualTo(topic.logAppendTime() ? "LogAppendTime" : "CreateTime");
        }
    }

    @Test
    void shouldDoNothingOnASecondCall(TestKafka kafka) throws Exception {
        KafkaSettings settings = freshNamespace(kafka, "again");
        List<String> all = names(settings, List.of(Topic.values()));
        TopicBootstrap.ensureAll(settings, TIMEOUT);
        Map<String, Uuid> idsBefore = topicIds(awaitTopics(settings, all));

        assertThatCode(() -> TopicBootstrap.ensureAll(settings, TIMEOUT)).doesNotThrowAnyException();

        // Same topic ids: nothing was deleted and created again.
        assertThat(topicIds(describe(all))).isEqualTo(idsBefore);
        assertThat(topicsIn(settings)).hasSize(Topic.values().length);
    }

    @Test
    void shouldCreateOnlyTheMissingTopicsAndLeaveATunedOneAsItIs(TestKafka kafka) throws Exception {
        KafkaSettings settings = freshNamespace(kafka, "tuned");
        String heartbeats = settings.topic(Topic.HEARTBEATS);
        admin.createTopics(List.of(new NewTopic(heartbeats, 2, REPLICATION)
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "60000"))))
                .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Uuid heartbeatsId = awaitTopics(settings, List.of(heartbeats)).get(heartbeats).topicId();

        TopicBootstrap.ensureAll(settings, TIMEOUT);

        Map<String, TopicDescription> descriptions = awaitTopics(settings, names(settings, List.of(Topic.values())));
        TopicDescription after = descriptions.get(heartbeats);
        assertThat(after.topicId()).isEqualTo(heartbeatsId);
        assertThat(after.partitions()).hasSize(2);
        assertThat(configs(List.of(heartbeats)).get(heartbeats).get(TopicConfig.RETENTION_MS_CONFIG).value())
                .isEqualTo("60000");
        assertThat(descriptions.get(settings.topic(Topic.ROLE_EVENTS)).partitions())
                .hasSize(Topic.ROLE_EVENTS.partitions());
    }

    @Test
    void shouldCreateOnlyTheTopicsAServiceAsksFor(TestKafka kafka) throws Exception {
        KafkaSettings settings = freshNamespace(kafka, "subset");

        TopicBootstrap.ensure(settings, List.of(Topic.HEARTBEATS, Topic.DEAD_LETTERS), TIMEOUT);

        String heartbeats = settings.topic(Topic.HEARTBEATS);
        String deadLetters = settings.topic(Topic.DEAD_LETTERS);
        Map<String, TopicDescription> descriptions = awaitTopics(settings, List.of(heartbeats, deadLetters));
        assertThat(descriptions.get(heartbeats).partitions()).hasSize(Topic.HEARTBEATS.partitions());
        assertThat(descriptions.get(deadLetters).partitions()).hasSize(Topic.DEAD_LETTERS.partitions());
    }

    private static Map<String, Uuid> topicIds(Map<String, TopicDescription> descriptions) {
        return descriptions.values().stream()
                .collect(Collectors.toMap(TopicDescription::name, TopicDescription::topicId));
    }
}
