package dev.baton.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real child processes under the watchdog: ended at end-of-file, and at a missed dead-man deadline. */
class WatchdogIT {
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration DEADLINE_GRACE = Duration.ofMillis(150);

    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
    private Process process;

    @AfterEach
    void cleanUp() {
        renewer.shutdownNow();
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private Process start(List<String> argv) throws IOException {
        process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process;
    }

    @Test
    void shouldEndTheChildWhenThePipeCloses() throws Exception {
        Process child = start(Watchdog.argv("wd-test", GRACE, List.of("sleep", "600"), "test"));
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(child::isAlive);

        child.getOutputStream().close();

        Await.until("the child ends at end-of-file", Duration.ofSeconds(5), () -> !child.isAlive());
    }

    @Test
    void shouldKeepTheChildWhileRenewedAndEndItWhenTheDeadlinePasses() throws Exception {
        Process child = start(Watchdog.argvWithDeadline("wd-test", GRACE, DEADLINE_GRACE, Duration.ofSeconds(2),
                List.of("sleep", "600"), "test"));
        OutputStream lifeline = child.getOutputStream();
        renewer.scheduleAtFixedRate(() -> {
            try {
                Watchdog.renew(lifeline, Duration.ofMillis(400));
            } catch (IOException e) {
                // The watcher is gone: the test's assertions say why.
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        // Renewed well past the first deadline and many times the 400 ms each renewal grants: still running.
        Awaitility.await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(10)).until(child::isAlive);

        // The parent freezes: no renewal any more, but the pipe stays open (no end-of-file).
        renewer.shutdownNow();
        assertThat(renewer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        long frozenAt = System.nanoTime();

        Await.until("the child ends once the deadline passed", Duration.ofSeconds(5), () -> !child.isAlive());
        Duration after = Duration.ofNanos(System.nanoTime() - frozenAt);
        // 400 ms granted plus the 150 ms deadline grace; far below the 5 s end-of-file grace even on a loaded machine.
        assertThat(after).isLessThan(GRACE.minusSeconds(2));
        lifeline.close();
    }

    @Test
    void shouldEndTheChildAtTheFirstDeadlineWhenNeverRenewed() throws Exception {
        long startedAt = System.nanoTime();
        Process child = start(Watchdog.argvWithDeadline("wd-test", GRACE, DEADLINE_GRACE, Duration.ofMillis(300),
                List.of("sleep", "600"), "test"));

        Await.until("the child ends at its first deadline", Duration.ofSeconds(5), () -> !child.isAlive());
        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(GRACE.minusSeconds(2));
        child.getOutputStream().close();
    }

    @Test
    void shouldStillEndTheChildGracefullyWhenThePipeClosesBeforeTheDeadline() throws Exception {
        Process child = start(Watchdog.argvWithDeadline("wd-test", GRACE, DEADLINE_GRACE, Duration.ofSeconds(30),
                List.of("sleep", "600"), "test"));
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(child::isAlive);

        child.getOutputStream().close();

        Await.until("the child ends at end-of-file", Duration.ofSeconds(5), () -> !child.isAlive());
    }
}
