package dev.baton.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.testing.LineClient;
import dev.baton.agent.testing.RecordingListener;
import dev.baton.agent.testing.RecordingListener.Outcome;
import dev.baton.events.Endpoint;
import dev.baton.events.PluginSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginHostTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path workDir;

    private final RecordingListener listener = new RecordingListener();
    private PluginHost host;

    private PluginHost host() {
        host = new PluginHost(new PluginHost.Settings("srv-01", "127.0.0.1", workDir, Duration.ofSeconds(5),
                Duration.ofMillis(100), Duration.ofSeconds(1)), listener);
        return host;
    }

    @AfterEach
    void close() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void shouldReportTheSamplePluginRunningAtTheAdvertisedHostAndStopIt() throws IOException {
        host().start("billing", 3, null);

        Outcome running = listener.await("running", "billing", 3, TIMEOUT);
        assertThat(running.endpoint().host()).isEqualTo("127.0.0.1");
        assertThat(running.detail()).startsWith("listening after ").endsWith(" ms (in-process)");
        assertThat(LineClient.ask("127.0.0.1", running.endpoint().port(), "who")).isEqualTo("srv-01 who");

        host.stop("billing", 3, Duration.ofSeconds(1));

        listener.await("stopped", "billing", 3, TIMEOUT);
        assertThat(PortProbe.accepts("127.0.0.1", running.endpoint().port(), Duration.ofMillis(200))).isFalse();
        assertThat(host.running()).isEmpty();
    }

    @Test
    void shouldListenOnTheConfiguredPort() throws IOException {
        int port = PortProbe.freePort();

        host().start("billing", 1, new PluginSpec("sample", List.of(), Map.of(), port));

        assertThat(listener.await("running", "billing", 1, TIMEOUT).endpoint()).isEqualTo(new Endpoint("127.0.0.1", port));
    }

    @Test
    void shouldReportStoppedAtOnceWhenNothingOfThatEpochRuns() {
        host().stop("billing", 9, Duration.ZERO);

        listener.await("stopped", "billing", 9, TIMEOUT);
    }

    @Test
    void shouldReportAnUnknownKindAsFailed() {
        host().start("billing", 2, new PluginSpec("docker", List.of(), Map.of(), null));

        assertThat(listener.await("failed", "billing", 2, TIMEOUT).detail())
                .isEqualTo("cannot start plugin: unknown plugin kind 'docker' (expected sample or command)");
    }

    @Test
    void shouldReportACommandPluginWithoutCommandAsFailed() {
        host().start("billing", 2, new PluginSpec("command", List.of(), Map.of(), null));

        assertThat(listener.await("failed", "billing", 2, TIMEOUT).detail())
                .isEqualTo("cannot start plugin: the command plugin of role billing has no command");
    }

    @Test
    void shouldReportAPortInUseAsFailed() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            host().start("billing", 2, new PluginSpec("sample", List.of(), Map.of(), taken.getLocalPort()));

            assertThat(listener.await("failed", "billing", 2, TIMEOUT).detail())
                    .startsWith("cannot start plugin: cannot listen on port " + taken.getLocalPort());
        }
    }
}
