package dev.baton.placement.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DetectorConfigTest {

    @Test
    void shouldDefaultToATimeoutTwiceTheLongestStallSeenUnderLoadAndDetectionWithinAboutASecond() {
        DetectorConfig config = DetectorConfig.defaults();

        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.failureTimeout()).isEqualTo(Duration.ofMillis(1000));
        assertThat(config.evaluationInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.maxEvaluationGap()).isEqualTo(Duration.ofMillis(250));
        // An agent silent for 466 ms under the realistic load of docs/benchmarks.md stays UP with room to spare.
        assertThat(config.failureTimeout()).isGreaterThanOrEqualTo(Duration.ofMillis(466 * 2));
        // Worst case detection after a kill: one heartbeat interval + timeout + one evaluation interval.
        assertThat(config.heartbeatInterval().plus(config.failureTimeout()).plus(config.evaluationInterval()))
                .isLessThanOrEqualTo(Duration.ofMillis(1150));
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(Named.of("shouldRejectATimeoutShorterThanThreeHeartbeats",
                        new Object[] {ms(100), ms(250), ms(50), ms(250), 2}),
                        "failureTimeout (250 ms) must be at least 3 heartbeat intervals (300 ms)"),
                Arguments.of(Named.of("shouldRejectAnEvaluationIntervalAsLongAsTheTimeout",
                        new Object[] {ms(100), ms(700), ms(700), ms(900), 2}),
                        "evaluationInterval (700 ms) must be shorter than failureTimeout (700 ms)"),
                Arguments.of(Named.of("shouldRejectAMaxGapNotLongerThanTheEvaluationInterval",
                        new Object[] {ms(100), ms(700), ms(50), ms(50), 2}),
                        "maxEvaluationGap (50 ms) must be longer than evaluationInterval (50 ms)"),
                Arguments.of(Named.of("shouldRejectANonPositiveHeartbeatInterval",
                        new Object[] {ms(0), ms(700), ms(50), ms(250), 2}),
                        "heartbeatInterval must be positive, was 0 ms"),
                Arguments.of(Named.of("shouldRejectANegativeFlapThreshold",
                        new Object[] {ms(100), ms(700), ms(50), ms(250), -1}),
                        "flapThreshold must be >= 0, was -1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void shouldRejectInconsistentTimings(Object[] values, String message) {
        assertThatThrownBy(() -> new DetectorConfig((Duration) values[0], (Duration) values[1],
                (Duration) values[2], (Duration) values[3], Duration.ofMinutes(10), (Integer) values[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
