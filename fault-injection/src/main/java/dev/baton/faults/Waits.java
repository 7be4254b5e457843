package dev.baton.faults;

import dev.baton.bench.FailoverCluster;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Waiting on a condition with a timeout (bench's, looking every 50 ms), and holding a fault for its duration. */
final class Waits {
    private Waits() {
    }

    /** The first value {@code probe} answers; fails after {@code timeout} with the last reason (bench's wait). */
    static <T> T until(String what, Duration timeout, FailoverCluster.Probe<T> probe) throws InterruptedException {
        return FailoverCluster.await(what, timeout, probe);
    }

    /** The value, or null when {@code probe} gave none within {@code timeout}. */
    static <T> T within(Duration timeout, FailoverCluster.Probe<T> probe) throws InterruptedException {
        try {
            return FailoverCluster.await("", timeout, probe);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** Keeps a fault in place for its duration (the scenario's parameter, not a wait for something). */
    static void hold(Duration duration) throws InterruptedException {
        hold(duration.toNanos());
    }

    private static void hold(long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

}
