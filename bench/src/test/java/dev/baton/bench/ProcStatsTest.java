package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatsTest {
    @Test
    void shouldAddUserAndSystemTicksAfterTheCommandName() {
        // A command name with spaces and a parenthesis, as /proc allows.
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 1000 0 0";
        assertThat(ProcStats.cpuNanos(stat)).isEqualTo(300 * 10_000_000L);
    }

    @Test
    void shouldReadTheResidentSetSize() {
        assertThat(ProcStats.rssKiB("Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  118324 kB\nThreads:\t20\n"))
                .isEqualTo(118_324);
    }

    @Test
    void shouldSampleThisProcess() {
        ProcStats.Sample sample = ProcStats.sample(ProcessHandle.current().pid());
        assertThat(sample.rssKiB()).isPositive();
        assertThat(sample.cpuNanos()).isPositive();
    }

    @Test
    void shouldComputeTheShareOfOneCore() {
        ProcStats.Sample earlier = new ProcStats.Sample(1_000_000_000L, 1, 0);
        ProcStats.Sample later = new ProcStats.Sample(1_020_000_000L, 1, 1_000_000_000L);
        assertThat(later.cpuPercentSince(earlier)).isEqualTo(2.0);
    }
}
