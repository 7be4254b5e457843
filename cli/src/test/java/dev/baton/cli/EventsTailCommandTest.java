package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.kafka.EventSourceFactory;
import dev.baton.cli.kafka.FakeEventSource;
import dev.baton.cli.kafka.TestRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code baton events tail} parses its arguments and hands the right topics to the source. */
class EventsTailCommandTest {
    private final FakeEventSource source = new FakeEventSource();
    private final List<String> opened = new ArrayList<>();
    private String bootstrap;
    private boolean fromBeginning;

    private final EventSourceFactory factory = (servers, topics, beginning, wait) -> {
        bootstrap = servers;
        opened.addAll(topics);
        fromBeginning = beginning;
        return source;
    };

    private CliRun run(Map<String, String> env, String... args) {
        return CliRun.run(new FakeApiClient(), factory, env, source.clock(), args);
    }

    @Test
    void shouldFollowTheDefaultTopicsFromTheEndOfTheConfiguredBroker() {
        CliRun run = run(Map.of("BATON_KAFKA_BOOTSTRAP_SERVERS", "kafka:19092"), "events", "tail", "--timeout", "1s");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(bootstrap).isEqualTo("kafka:19092");
        assertThat(opened).hasSize(6).contains("baton.role-events").doesNotContain("baton.heartbeats");
        assertThat(fromBeginning).isFalse();
        assertThat(source.closed()).isTrue();
    }

    @Test
    void shouldFollowOneTopicOfTheNamespaceFromTheBeginning() {
        source.batch(TestRecords.roleMoved("test-7.role-events", 4));

        CliRun run = run(Map.of(), "--namespace", "test-7", "--bootstrap", "127.0.0.1:1234", "events", "tail",
                "role-events", "--from-beginning", "--max", "1");

        assertThat(run.exit()).isZero();
        assertThat(opened).containsExactly("test-7.role-events");
        assertThat(bootstrap).isEqualTo("127.0.0.1:1234");
        assertThat(fromBeginning).isTrue();
        assertThat(run.out()).contains("RoleMoved billing epoch=4");
    }

    @Test
    void shouldExitOneWhenTheTimeoutEndsTheWait() {
        CliRun run = run(Map.of(), "events", "tail", "--max", "2", "--timeout", "500ms");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("baton: 0 of 2 events within 500 ms");
    }

    @Test
    void shouldRefuseUnknownTopicsAndBadLimitsAsUsageErrors() {
        CliRun unknown = run(Map.of(), "events", "tail", "roles");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.errLines()[0]).startsWith("baton: unknown topic 'roles'; known topics: all, heartbeats");

        assertThat(run(Map.of(), "events", "tail", "--max", "0").exit()).isEqualTo(2);
        assertThat(run(Map.of(), "events", "tail", "--timeout", "soon").exit()).isEqualTo(2);
        assertThat(run(Map.of(), "--namespace", "bad namespace", "events", "tail").exit()).isEqualTo(2);
        assertThat(opened).isEmpty();
    }
}
