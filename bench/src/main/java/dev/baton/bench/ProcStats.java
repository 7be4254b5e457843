package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident set size of a process, read from {@code /proc/<pid>/stat} and {@code /proc/<pid>/status}. */
public final class ProcStats {
    /** Linux's USER_HZ, the unit of utime and stime in /proc/<pid>/stat; 100 on every mainstream kernel build. */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcStats() {
    }

    /**
     * @param cpuNanos user plus system CPU time of the process so far
     * @param rssKiB resident set size now (VmRSS)
     * @param atNanos {@link System#nanoTime()} when read
     */
    public record Sample(long cpuNanos, long rssKiB, long atNanos) {
        /** The share of one core used between {@code earlier} and this sample, in percent. */
        public double cpuPercentSince(Sample earlier) {
            return 100.0 * (cpuNanos - earlier.cpuNanos) / Math.max(1, atNanos - earlier.atNanos);
        }
    }

    public static Sample sample(long pid) {
        try {
            long at = System.nanoTime();
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return new Sample(cpuNanos(stat), rssKiB(Files.readString(Path.of("/proc", Long.toString(pid), "status"))), at);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc of " + pid, e);
        }
    }

    /** utime + stime (fields 14 and 15 of /proc/<pid>/stat, counted after the command name's closing parenthesis). */
    static long cpuNanos(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    static long rssKiB(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalArgumentException("no VmRSS line");
    }
}
