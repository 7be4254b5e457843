package dev.baton.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** docs/events.md shows, for every event type, exactly the JSON the codec writes for {@link SampleEvents#full}. */
class EventsDocTest {
    /** Surefire runs in the module directory; the doc lives at the project root. */
    private static final Path DOC = Path.of("..", "docs", "events.md");

    private static String doc;

    @BeforeAll
    static void readDoc() throws IOException {
        doc = Files.readString(DOC);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventType.class)
    void shouldShowTheCodecsJsonForEveryEventType(EventType type) {
        String json = new EventCodec().encodeToString(SampleEvents.full(type));

        assertThat(doc).contains("\n### " + type.wireName() + "\n").contains("\n" + json + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Topic.class)
    void shouldListEveryTopic(Topic topic) {
        assertThat(doc).contains("| `" + topic.topicName() + "` | " + topic.key() + " | " + topic.partitions() + " | "
                + (topic.compacted() ? "compact" : "delete") + " |");
    }
}
