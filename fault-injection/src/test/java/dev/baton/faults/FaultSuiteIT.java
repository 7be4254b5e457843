package dev.baton.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bounded fault-injection profile of the build: one cluster of real processes, every kind of fault at least once
 * ({@link FaultRun#CI_PLAN}) in the order seed 42 gives, the client under load throughout, and the checker over the
 * whole history. The run's directory (process logs, plugin tick logs, the verdict) stays in
 * {@code target/fault-run} for a failure's diagnosis.
 */
class FaultSuiteIT {
    static final long SEED = 42;

    @Test
    void shouldKeepEveryInvariantThroughEveryKindOfFault() throws Exception {
        Path runDir = Path.of("target", "fault-run").toAbsolutePath();
        if (Files.exists(runDir)) {
            try (var paths = Files.walk(runDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        FaultRun.Result result = FaultRun.run(new FaultRun.Options(runDir, Profile.CI, SEED, FaultRun.CI_PLAN,
                Duration.ZERO, false, 4, java.util.Map.of()), System.out::println);
        Files.writeString(runDir.resolve("verdict.txt"), result.verdict().summary());

        assertThat(result.ran()).containsExactlyInAnyOrderElementsOf(FaultRun.CI_PLAN);
        assertThat(result.verdict().okRequests()).as("requests answered through the gateway").isPositive();
        assertThat(result.verdict().violations()).as(result.verdict().summary()).isEmpty();
    }
}
