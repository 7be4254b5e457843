package dev.baton.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.testing.LineClient;
import dev.baton.agent.testing.Processes;
import dev.baton.agent.testing.RecordingListener;
import dev.baton.agent.testing.RecordingListener.Outcome;
import dev.baton.events.PluginSpec;
import dev.baton.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command plugins as real child processes, through the watchdog, without Kafka. */
class CommandPluginIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path workDir;

    private final RecordingListener listener = new RecordingListener();
    private PluginHost host;

    private PluginHost host(Duration startTimeout, Duration grace) {
        host = new PluginHost(new PluginHost.Settings("srv-01", "127.0.0.1", workDir, startTimeout,
                Duration.ofMillis(100), grace), listener);
        return host;
    }

    @AfterEach
    void close() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void shouldRunTheCommandWithPlaceholdersAndEnvironmentAndLogItsOutputPerRole() throws IOException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                "echo \"greeting=$GREETING role={roleId}\"; exec \"$0\" \"$@\""));
        command.addAll(Processes.samplePluginCommand());
        host(TIMEOUT, Duration.ofSeconds(2)).start("billing", 3,
                new PluginSpec("command", command, Map.of("GREETING", "hello from {serverId}"), null));

        Outcome running = listener.await("running", "billing", 3, TIMEOUT);

        assertThat(LineClient.ask("127.0.0.1", running.endpoint().port(), "hi")).isEqualTo("srv-01 hi");
        long pid = Processes.pidIn(running.detail());
        assertThat(ProcessHandle.current().children().map(ProcessHandle::pid)).as("a child of the agent").contains(pid);
        Path log = workDir.resolve("billing.log");
        Await.untilAsserted("the plugin's output in its log", TIMEOUT, () -> assertThat(Files.readString(log))
                .contains("starting role billing", "greeting=hello from srv-01 role=billing",
                        "listening on port " + running.endpoint().port()));
    }

    @Test
    void shouldEndThePluginOnceTheAgentStopsRenewingItsLeaseAsAFrozenAgentWould() throws Exception {
        host = new PluginHost(new PluginHost.Settings("srv-01", "127.0.0.1", workDir, TIMEOUT, Duration.ofMillis(100),
                Duration.ofSeconds(10)), new PluginHost.Deadlines(() -> TIMEOUT, Duration.ofMillis(150)), listener);
        host.start("billing", 7, new PluginSpec("command", Processes.samplePluginCommand(), Map.of(), null));
        long pid = Processes.pidIn(listener.await("running", "billing", 7, TIMEOUT).detail());
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
        try {
            renewer.scheduleAtFixedRate(() -> host.renewAll(Duration.ofMillis(500)), 0, 50, TimeUnit.MILLISECONDS);
            // Renewed: it outlives many of the 500 ms each renewal grants.
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(TIMEOUT).until(() -> Processes.isRunning(pid));
        } finally {
            renewer.shutdownNow();
        }
        assertThat(renewer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        long frozenAt = System.nanoTime();

        // No renewal any more, the pipe still open (a frozen agent closes nothing): the watchdog ends the plugin.
        listener.await("failed", "billing", 7, TIMEOUT);
        assertThat(Processes.isRunning(pid)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - frozenAt))
                .as("500 ms granted and the 150 ms grace, far from the 10 s stop grace").isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shouldReportFailedWhenThePluginIsKilledExternally() {
        host(TIMEOUT, Duration.ofSeconds(2)).start("billing", 4,
                new PluginSpec("command", Processes.samplePluginCommand(), Map.of(), null));
        long pid = Processes.pidIn(listener.await("running", "billing", 4, TIMEOUT).detail());

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        assertThat(listener.await("failed", "billing", 4, TIMEOUT).detail())
                .startsWith("plugin exited with code 137 (signal 9) (pid " + pid);
    }

    @Test
    void shouldStopThePluginWithSigtermAndReportStopped() {
        host(TIMEOUT, Duration.ofSeconds(5)).start("billing", 5,
                new PluginSpec("command", Processes.samplePluginCommand(), Map.of(), null));
        Outcome running = listener.await("running", "billing", 5, TIMEOUT);
        long pid = Processes.pidIn(running.detail());
        long stopAt = System.nanoTime();

        host.stop("billing", 5, Duration.ofSeconds(5));

        listener.await("stopped", "billing", 5, TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).as("SIGTERM ends a JVM well within the grace")
                .isLessThan(Duration.ofSeconds(4));
        assertThat(Processes.isRunning(pid)).isFalse();
        assertThat(PortProbe.accepts("127.0.0.1", running.endpoint().port(), Duration.ofMillis(200))).isFalse();
    }

    @Test
    void shouldFailAPluginThatNeverListensAndKillItWithWhatItStartedWhenItIgnoresSigterm() {
        host(Duration.ofSeconds(1), Duration.ofMillis(500)).start("billing", 6, new PluginSpec("command",
                List.of("/bin/sh", "-c", "trap '' TERM; sleep 60 & echo child=$!; wait"), Map.of(), null));

        Outcome failed = listener.await("failed", "billing", 6, TIMEOUT);

        assertThat(failed.detail()).startsWith("not listening on port ").contains(" after 1000 ms (pid ");
        long pid = Processes.pidIn(failed.detail());
        assertThat(Processes.isRunning(pid)).as("killed after the grace").isFalse();
        Await.untilAsserted("the plugin's own child (sleep) is gone too", TIMEOUT, () -> {
            Matcher child = Pattern.compile("child=(\\d+)").matcher(Files.readString(workDir.resolve("billing.log")));
            assertThat(child.find()).isTrue();
            assertThat(Processes.isRunning(Long.parseLong(child.group(1)))).isFalse();
        });
    }

    @Test
    void shouldReportAPluginThatExitsBeforeListening() {
        host(TIMEOUT, Duration.ofSeconds(1)).start("billing", 7,
                new PluginSpec("command", List.of("/bin/sh", "-c", "echo failing; exit 3"), Map.of(), null));

        assertThat(listener.await("failed", "billing", 7, TIMEOUT).detail())
                .startsWith("plugin exited with code 3 before listening on port ");
    }

    @Test
    void shouldReportACommandThatCannotBeExecuted() {
        host(TIMEOUT, Duration.ofSeconds(1)).start("billing", 8,
                new PluginSpec("command", List.of("/nonexistent/plugin", "{port}"), Map.of(), null));

        // The watchdog shell starts; exec of the missing binary fails with the shell's "not found" status 127.
        assertThat(listener.await("failed", "billing", 8, TIMEOUT).detail()).startsWith("plugin exited with code 127");
    }
}
