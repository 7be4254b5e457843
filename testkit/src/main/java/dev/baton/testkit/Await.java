package dev.baton.testkit;

import java.time.Duration;
import java.util.Objects;
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

    /**
     * Waits until {@code supplier} has returned the same non-null value (by {@code equals}) on every poll for at
     * least {@code settle}, and returns it: for states that may flip briefly before they settle, such as an
     * election among processes that start at once.
     */
    public static <T> T untilStable(String description, Duration timeout, Duration settle, Callable<T> supplier) {
        Object[] last = {null};
        long[] since = {0};
        Callable<T> observed = () -> {
            T value = supplier.call();
            long now = System.nanoTime();
            if (value == null || !Objects.equals(value, last[0])) {
                last[0] = value;
                since[0] = now;
                return null;
            }
            return now - since[0] >= settle.toNanos() ? value : null;
        };
        return Awaitility.await(description + " (stable for " + settle.toMillis() + " ms)").atMost(timeout)
                .pollInterval(POLL).pollDelay(Duration.ZERO).until(observed, Objects::nonNull);
    }
}
