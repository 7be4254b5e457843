package dev.baton.bench;

import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * A distribution of durations recorded in nanoseconds (HdrHistogram, 3 significant digits), read as percentiles.
 * Not thread-safe: record from one thread, or merge per-thread instances with {@link #add}.
 */
public final class Latencies {
    private final Histogram histogram = new Histogram(3);

    public void record(Duration duration) {
        recordNanos(duration.toNanos());
    }

    public void recordNanos(long nanos) {
        histogram.recordValue(Math.max(0, nanos));
    }

    public void add(Latencies other) {
        histogram.add(other.histogram);
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** The value at {@code percentile} (0–100), in nanoseconds. */
    public long percentileNanos(double percentile) {
        return histogram.getValueAtPercentile(percentile);
    }

    public long maxNanos() {
        return histogram.getMaxValue();
    }

    public double meanNanos() {
        return histogram.getMean();
    }

    public double percentileMillis(double percentile) {
        return percentileNanos(percentile) / 1e6;
    }

    public double percentileMicros(double percentile) {
        return percentileNanos(percentile) / 1e3;
    }

    /** {@code p50 12.3 ms, p95 ..., p99 ..., max ... (n=30)}. */
    public String summaryMillis() {
        return String.format(java.util.Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)",
                percentileMillis(50), percentileMillis(95), percentileMillis(99), maxNanos() / 1e6, count());
    }

    public String summaryMicros() {
        return String.format(java.util.Locale.ROOT, "p50 %.1f µs, p95 %.1f µs, p99 %.1f µs, max %.1f µs (n=%d)",
                percentileMicros(50), percentileMicros(95), percentileMicros(99), maxNanos() / 1e3, count());
    }
}
