package dev.baton.systemtest;

import java.time.Duration;

/**
 * The failure timing the system tests run every service with, in one place.
 *
 * <p>Longer than the defaults (agent lease 250 ms, placement failure timeout 350 ms), which the agent's
 * {@code LeaseFencingIT} measures on their own. Here one test JVM holds the broker, the placement-service, the gateway
 * and up to three agents, next to agent and plugin JVMs starting on a shared two-core machine. With the defaults the
 * first runs saw in-process agents fence themselves and servers declared DOWN for lack of CPU alone (a 520 ms gap
 * between acknowledged heartbeats), moving roles the tests had not touched. The properties these tests prove hold for
 * any lease shorter than the failure timeout, with the same margin the defaults leave for a fence; only the speed
 * differs, and the benchmarks measure speed.
 */
final class Timing {
    /** The placement-service's {@code failure.timeout}, also each agent's {@code placement.failure.timeout}. */
    static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(3);
    /** Each agent's {@code lease}: shorter than the failure timeout, so a cut-off agent stops before the move. */
    static final Duration LEASE = Duration.ofSeconds(2);

    private Timing() {
    }

    static String millis(Duration duration) {
        return duration.toMillis() + "ms";
    }
}
