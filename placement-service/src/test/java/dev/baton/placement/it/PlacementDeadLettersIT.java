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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two placement-service instances read every undecodable record of the topics they both read; the dead-letter
 * topic gets one dead letter per bad record, not one per instance.
 */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
class PlacementDeadLettersIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static List<DeadLetter> deadLetters(TestKafka kafka) {
        return kafka.readAll(Topic.DEAD_LETTERS, Duration.ofSeconds(2)).stream().map(kafka::decode)
                .filter(DeadLetter.class::isInstance).map(DeadLetter.class::cast).toList();
    }

    @Test
    void shouldPublishOneDeadLetterPerBadRecordWhateverTheNumberOfInstances(TestKafka kafka, TestDatabase database) {
        try (PlacementProcess first = PlacementProcess.start(kafka, database, "dl-1", Map.of());
                PlacementProcess second = PlacementProcess.start(kafka, database, "dl-2", Map.of())) {
            awaitOneDeadLetterPerBadRecord(kafka, first, second);
        }
    }

    private static void awaitOneDeadLetterPerBadRecord(TestKafka kafka, PlacementProcess first, PlacementProcess second) {
        Await.untilStable("one instance leads and the other follows it", TIMEOUT, Duration.ofSeconds(2), () -> {
            boolean firstLeads = first.leads();
            boolean secondLeads = second.leads();
            return firstLeads != secondLeads && (firstLeads ? second : first).readiness()
                    .contains("\"leaderId\":\"" + (firstLeads ? first : second).instanceId() + "\"") ? Boolean.TRUE : null;
        });

        // Six bad records on topics both instances read from where they stand.
        Set<String> bad = new HashSet<>();
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
