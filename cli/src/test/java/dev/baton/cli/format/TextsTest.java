package dev.baton.cli.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TextsTest {
    @Test
    void shouldParseDurationsWithUnits() {
        assertThat(Texts.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Texts.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Texts.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Texts.duration("2min")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Texts.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Texts.duration("0")).isEqualTo(Duration.ZERO);
        assertThat(Texts.duration("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void shouldRefuseDurationsWithoutUnitOrNegative() {
        assertThatThrownBy(() -> Texts.duration("30"))
                .hasMessage("'30' is not a duration: use e.g. 250ms, 30s, 2m or 1h");
        assertThatThrownBy(() -> Texts.duration("PT-1S")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Texts.duration("-5s")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldShowMillisInTheLargestWholeUnit() {
        assertThat(Texts.millis(812)).isEqualTo("812 ms");
        assertThat(Texts.millis(0)).isEqualTo("0 ms");
        assertThat(Texts.millis(30_000)).isEqualTo("30 s");
        assertThat(Texts.millis(120_000)).isEqualTo("2 min");
        assertThat(Texts.millis(3_600_000)).isEqualTo("1 h");
        assertThat(Texts.millis(1500)).isEqualTo("1500 ms");
    }

    @Test
    void shouldPrintInstantsInUtcWithMilliseconds() {
        assertThat(Texts.instant(Instant.parse("2026-11-25T10:01:02Z"))).isEqualTo("2026-11-25T10:01:02.000Z");
        assertThat(Texts.instant(Instant.parse("2026-11-25T10:01:02.345678Z"))).isEqualTo("2026-11-25T10:01:02.345Z");
        assertThat(Texts.instant("2026-11-25T10:01:02.1Z")).isEqualTo("2026-11-25T10:01:02.100Z");
        assertThat(Texts.instant("yesterday")).isEqualTo("yesterday");
        assertThat(Texts.instant((String) null)).isNull();
    }
}
