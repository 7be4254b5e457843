package dev.baton.placement.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.DeadLetter;
import dev.baton.events.Topic;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two placement-service instances read every undecodable record of the topics they both read; the dead-letter
 * topic gets one dead letter per bad record, not one per instance.
 */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
class PlacementDeadLettersIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        closeables.clear();
    }

    private PlacementProcess instance(TestKafka kafka, TestDatabase database, String instanceId) {
        PlacementProcess process = PlacementProcess.start(kafka, database, instanceId, Map.of());
        closeables.add(process);
        return process;
    }

    private static List<DeadLetter> deadLetters(TestKafka kafka) {
        return kafka.readAll(Topic.DEAD_LETTERS, Duration.ofSeconds(2)).stream().map(kafka::decode)
                .filter(DeadLetter.class::isInstance).map(DeadLetter.class::cast).toList();
    }

    @Test
    void shouldPublishOneDeadLetterPerBadRecordWhateverTheNumberOfInstances(TestKafka kafka, TestDatabase database) {
        PlacementProcess first = instance(kafka, database, "dl-1");
        PlacementProcess second = instance(kafka, database, "dl-2");
        Await.untilStable("one instance leads and the other follows it", TIMEOUT, Duration.ofSeconds(2), () -> {
            boolean firstLeads = first.leads();
            boolean secondLeads = second.leads();
            return firstLeads != secondLeads && (firstLeads ? second : first).readiness()
                    .contains("\"leaderId\":\"" + (firstLeads ? first : second).instanceId() + "\"") ? Boolean.TRUE : null;
        });

        // Six bad records on topics both instances read from where they stand.
        Set<String> bad = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            RecordMetadata heartbeat = kafka.sendRaw(kafka.topic(Topic.HEARTBEATS), "dl-server",
                    ("not json " + i).getBytes(StandardCharsets.UTF_8));
            bad.add(heartbeat.topic() + "-" + heartbeat.partition() + "@" + heartbeat.offset());
            RecordMetadata control = kafka.sendRaw(kafka.topic(Topic.PLACEMENT_CONTROL), "dl-x",
                    ("{\"type\":\"Nonsense\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            bad.add(control.topic() + "-" + control.partition() + "@" + control.offset());
        }

        Await.until("a dead letter for every bad record", TIMEOUT,
                () -> deadLetters(kafka).stream().map(PlacementDeadLettersIT::source).collect(Collectors.toSet())
                        .containsAll(bad));
        // Both instances have read them by now; still one each, a while later.
        Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20))
                .until(() -> deadLetters(kafka).size() == bad.size());
        List<DeadLetter> letters = deadLetters(kafka);
        assertThat(letters).extracting(PlacementDeadLettersIT::source).containsExactlyInAnyOrderElementsOf(bad);
        assertThat(letters).extracting(DeadLetter::eventId).doesNotHaveDuplicates();
    }

    private static String source(DeadLetter letter) {
        return letter.sourceTopic() + "-" + letter.sourcePartition() + "@" + letter.sourceOffset();
    }
}
