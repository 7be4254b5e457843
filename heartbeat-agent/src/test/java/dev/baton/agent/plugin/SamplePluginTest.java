package dev.baton.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.testing.LineClient;
import dev.baton.testkit.Await;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SamplePluginTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final SamplePlugin plugin = new SamplePlugin("srv-01", "billing", 0);

    @AfterEach
    void stop() throws InterruptedException {
        plugin.terminate();
        plugin.awaitEnded(5_000);
    }

    @Test
    void shouldAnswerEveryLineWithTheServerIdAndTheLine() throws IOException {
        plugin.launch();

        try (LineClient client = new LineClient("127.0.0.1", plugin.port())) {
            assertThat(client.ask("hello")).isEqualTo("srv-01 hello");
            assertThat(client.ask("")).isEqualTo("srv-01 ");
            assertThat(client.ask("grüße, 世界")).isEqualTo("srv-01 grüße, 世界");
        }
    }

    @Test
    void shouldAnswerSeveralLinesSentAtOnceInOrderAndDropACarriageReturn() throws IOException {
        plugin.launch();

        try (LineClient client = new LineClient("127.0.0.1", plugin.port())) {
            client.send("one\r\ntwo\nthr");
            assertThat(client.readLine()).isEqualTo("srv-01 one");
            assertThat(client.readLine()).isEqualTo("srv-01 two");
            client.send("ee\n");
            assertThat(client.readLine()).isEqualTo("srv-01 three");
        }
    }

    @Test
    void shouldServeSeveralClientsAtOnce() throws IOException {
        plugin.launch();

        try (LineClient first = new LineClient("127.0.0.1", plugin.port());
                LineClient second = new LineClient("127.0.0.1", plugin.port())) {
            first.send("a\n");
            assertThat(second.ask("b")).isEqualTo("srv-01 b");
            assertThat(first.readLine()).isEqualTo("srv-01 a");
        }
    }

    @Test
    void shouldCloseAConnectionWhoseLineIsTooLong() throws IOException {
        plugin.launch();

        try (LineClient client = new LineClient("127.0.0.1", plugin.port())) {
            client.send("x".repeat(SamplePlugin.MAX_LINE + 1));
            assertThat(client.readLine()).isNull();
        }
        assertThat(LineClient.ask("127.0.0.1", plugin.port(), "still serving")).isEqualTo("srv-01 still serving");
    }

    @Test
    void shouldCloseItsPortAndEveryConnectionWhenTerminated() throws IOException {
        plugin.launch();
        int port = plugin.port();
        try (LineClient client = new LineClient("127.0.0.1", port)) {
            assertThat(client.ask("before")).isEqualTo("srv-01 before");

            plugin.terminate();

            Await.until("the plugin ended", TIMEOUT, () -> plugin.ended().isPresent());
            assertThat(plugin.ended()).contains("stopped");
            assertThat(client.readLine()).isNull();
        }
        assertThat(PortProbe.accepts("127.0.0.1", port, Duration.ofMillis(200))).isFalse();
    }

    @Test
    void shouldListenOnTheRequestedPort() throws IOException {
        int port = PortProbe.freePort();
        SamplePlugin fixed = new SamplePlugin("srv-02", "fixed", port);
        fixed.launch();
        try {
            assertThat(fixed.port()).isEqualTo(port);
            assertThat(LineClient.ask("127.0.0.1", port, "hi")).isEqualTo("srv-02 hi");
        } finally {
            fixed.terminate();
        }
    }
}
