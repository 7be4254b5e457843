package dev.baton.faults;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Waiting on a condition with a timeout, looking every 50 ms. */
final class Waits {
    private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();

    private Waits() {
    }

    /** One look at a condition: the value once it holds, null while it does not. */
    @FunctionalInterface
    interface Probe<T> {
        T check() throws Exception;
    }

    /** The first value {@code probe} answers; fails after {@code timeout} with the last reason. */
    static <T> T until(String what, Duration timeout, Probe<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "not yet";
        while (true) {
            try {
                T value = probe.check();
                if (value != null) {
                    return value;
                }
                last = "not yet";
            } catch (InterruptedException e) {
                throw e;
            } catch (IllegalStateException e) {
                throw e;
            } catch (Exception e) {
                last = e.toString();
            }
            if (System.nanoTime() >= deadline) {
                throw new WaitTimeout(what + " not within " + timeout.toMillis() + " ms (last: " + last + ")");
            }
            hold(POLL_NANOS);
        }
    }

    /** The value, or null when {@code probe} gave none within {@code timeout}. */
    static <T> T within(Duration timeout, Probe<T> probe) throws InterruptedException {
        try {
            return until("", timeout, probe);
        } catch (WaitTimeout e) {
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

    /** A condition that did not hold in time. */
    static final class WaitTimeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WaitTimeout(String message) {
            super(message);
        }
    }
}
