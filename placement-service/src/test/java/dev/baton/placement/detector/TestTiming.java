package dev.baton.placement.detector;

import java.time.Duration;

/**
 * The detector timing the unit tests' expected timelines were written for: 100 ms heartbeats, a 700 ms failure
 * timeout, evaluation every 50 ms. Fixed here so the tests do not follow changes of the production defaults.
 */
public final class TestTiming {
    private TestTiming() {
    }

    public static DetectorConfig detector() {
        return new DetectorConfig(Duration.ofMillis(100), Duration.ofMillis(700), Duration.ofMillis(50),
                Duration.ofMillis(250), DetectorConfig.DEFAULT_FLAP_WINDOW, DetectorConfig.DEFAULT_FLAP_THRESHOLD);
    }
}
