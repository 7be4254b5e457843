package dev.baton.placement.detector;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of the {@link FailureDetector}.
 *
 * <h2>Defaults and why</h2>
 * Dependable before fast: no false failover on a loaded machine first, then an end-to-end failover (the host is
 * killed, clients are served by the next server) as fast as that allows. The budget splits roughly as:
 * <pre>
 *   last heartbeat before the kill           0..100 ms earlier  (heartbeatInterval)
 *   silence until judged DOWN                1000 ms             (failureTimeout)
 *   consumer poll + evaluation granularity   0..100 ms           (poll timeout, evaluationInterval)
 *   decide + publish RoleMoved              ~10-20 ms
 *   new host starts the role, gateway
 *   re-points its clients                   ~100-200 ms
 * </pre>
 * Detection therefore takes 0.9-1.1 s after the kill, and a failover about 1.1-1.3 s.
 *
 * <p>A shorter {@code failureTimeout} fails over faster but turns every stall of a loaded agent (CPU starvation,
 * a GC pause, a slow producer flush) longer than the timeout into a false failover. Measured on a 2-core machine
 * under a realistic load (a CPU hog, JVMs starting, a Maven build; load average 14-21), agents went silent for up
 * to 466 ms: the earlier 350 ms default declared servers DOWN and moved a role, so the default is about twice the
 * longest stall seen (docs/benchmarks.md, false failovers under realistic load, and what it costs the failover time).
 * The {@code heartbeatInterval} of 100 ms keeps the "last heartbeat before the kill" term small; sending more often
 * buys little and multiplies load on the heartbeat topic.
 *
 * <p><b>The agents' self-fencing lease must be shorter than {@code failureTimeout}</b> by at least the time a
 * role needs to stop (the default lease is 700 ms), so that a cut-off agent has stopped its roles before the
 * placement starts them elsewhere.
 *
 * <p>The detector's own pauses are handled separately from the timeout (see {@link FailureDetector}): a stalled
 * placement reads its backlog before judging, so the timeout does not need padding for them.
 *
 * @param heartbeatInterval how often agents send heartbeats; used to check that the timeout spans several of them
 * @param failureTimeout a server is DOWN when no heartbeat has been read for this long (on the heartbeat stream's
 *     clock, see {@link ConsumerProgress})
 * @param evaluationInterval how often the placement loop is expected to call {@link FailureDetector#evaluate}
 * @param maxEvaluationGap an evaluation later than this after the previous one means the loop itself stalled:
 *     judging is deferred for that round so the consumer can first read what arrived during the stall
 * @param flapWindow the window over which DOWN transitions are counted
 * @param flapThreshold a server DOWN more than this many times within {@code flapWindow} is flapping; a flapping
 *     server is not a failback target
 */
public record DetectorConfig(
        Duration heartbeatInterval,
        Duration failureTimeout,
        Duration evaluationInterval,
        Duration maxEvaluationGap,
        Duration flapWindow,
        int flapThreshold) {

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_FAILURE_TIMEOUT = Duration.ofMillis(1000);
    public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofMillis(50);
    public static final Duration DEFAULT_MAX_EVALUATION_GAP = Duration.ofMillis(250);
    public static final Duration DEFAULT_FLAP_WINDOW = Duration.ofMinutes(10);
    public static final int DEFAULT_FLAP_THRESHOLD = 2;

    /** A timeout shorter than this many heartbeat intervals would declare a server DOWN for one late heartbeat. */
    static final int MIN_HEARTBEATS_PER_TIMEOUT = 3;

    /**
     * @throws IllegalArgumentException when a duration is missing or not positive, when {@code failureTimeout} is
     *     shorter than three heartbeat intervals, when {@code evaluationInterval} is not shorter than
     *     {@code failureTimeout}, when {@code maxEvaluationGap} is not longer than {@code evaluationInterval}, or
     *     when {@code flapThreshold} is negative
     */
    public DetectorConfig {
        positive("heartbeatInterval", heartbeatInterval);
        positive("failureTimeout", failureTimeout);
        positive("evaluationInterval", evaluationInterval);
        positive("maxEvaluationGap", maxEvaluationGap);
        positive("flapWindow", flapWindow);
        if (failureTimeout.compareTo(heartbeatInterval.multipliedBy(MIN_HEARTBEATS_PER_TIMEOUT)) < 0) {
            throw new IllegalArgumentException("failureTimeout (" + failureTimeout.toMillis()
                    + " ms) must be at least " + MIN_HEARTBEATS_PER_TIMEOUT + " heartbeat intervals ("
                    + heartbeatInterval.multipliedBy(MIN_HEARTBEATS_PER_TIMEOUT).toMillis() + " ms)");
        }
        if (evaluationInterval.compareTo(failureTimeout) >= 0) {
            throw new IllegalArgumentException("evaluationInterval (" + evaluationInterval.toMillis()
                    + " ms) must be shorter than failureTimeout (" + failureTimeout.toMillis() + " ms)");
        }
        if (maxEvaluationGap.compareTo(evaluationInterval) <= 0) {
            throw new IllegalArgumentException("maxEvaluationGap (" + maxEvaluationGap.toMillis()
                    + " ms) must be longer than evaluationInterval (" + evaluationInterval.toMillis() + " ms)");
        }
        if (flapThreshold < 0) {
            throw new IllegalArgumentException("flapThreshold must be >= 0, was " + flapThreshold);
        }
    }

    /** The defaults described above: 100 ms heartbeats, 1 s timeout, evaluation every 50 ms. */
    public static DetectorConfig defaults() {
        return new DetectorConfig(
                DEFAULT_HEARTBEAT_INTERVAL,
                DEFAULT_FAILURE_TIMEOUT,
                DEFAULT_EVALUATION_INTERVAL,
                DEFAULT_MAX_EVALUATION_GAP,
                DEFAULT_FLAP_WINDOW,
                DEFAULT_FLAP_THRESHOLD);
    }

    /** This configuration with another flap window and threshold. */
    public DetectorConfig withFlapping(Duration window, int threshold) {
        return new DetectorConfig(
                heartbeatInterval, failureTimeout, evaluationInterval, maxEvaluationGap, window, threshold);
    }

    private static void positive(String field, Duration value) {
        Objects.requireNonNull(value, () -> field + " is missing");
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(field + " must be positive, was " + value.toMillis() + " ms");
        }
    }
}
