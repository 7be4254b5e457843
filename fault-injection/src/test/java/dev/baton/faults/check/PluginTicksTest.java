package dev.baton.faults.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.faults.check.History.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginTicksTest {
    @Test
    void shouldMakeOneSpanOfRegularTicks() {
        assertThat(PluginTicks.spans("r1", "a", "7", List.of(100L, 120L, 140L, 160L), 250))
                .containsExactly(new Span("r1", "a", "7", 100, 160));
    }

    @Test
    void shouldSplitWhereTheProcessWasFrozen() {
        assertThat(PluginTicks.spans("r1", "a", "7", List.of(100L, 120L, 3120L, 3140L), 250))
                .containsExactly(new Span("r1", "a", "7", 100, 120), new Span("r1", "a", "7", 3120, 3140));
    }

    @Test
    void shouldMakeNothingOfNoTicks() {
        assertThat(PluginTicks.spans("r1", "a", "7", List.of(), 250)).isEmpty();
    }
}
