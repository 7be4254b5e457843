package dev.baton.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;

/** Waiting on a condition with a timeout, never on a sleep (Awaitility underneath). */
public final class Await {
    private static final Duration POLL = Duration.ofMillis(20);

    private Await() {
    }

    /** Waits until {@code condition} is true; fails with {@code description} after {@code timeout}. */
    public static void until(String description, Duration timeout, Callable<Boolean> condition) {
        Awaitility.await(description).atMost(timeout).pollInterval(POLL).pollDelay(Duration.ZERO).until(condition);
    }

    /** Waits until {@code supplier} returns a value matching {@code match} and returns it. */
    public static <T> T until(String description, Duration timeout, Callable<T> supplier, Predicate<? super T> match) {
        return Awaitility.await(description).atMost(timeout).pollInterval(POLL).pollDelay(Duration.ZERO)
                .until(supplier, match::test);
    }

    /** Waits until {@code assertion} stops throwing (AssertJ assertions, for example). */
    public static void untilAsserted(String description, Duration timeout, ThrowingRunnable assertion) {
        Awaitility.await(description).atMost(timeout).pollInterval(POLL).pollDelay(Duration.ZERO)
                .untilAsserted(assertion);
    }
}
