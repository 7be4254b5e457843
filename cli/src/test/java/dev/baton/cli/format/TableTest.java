package dev.baton.cli.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void shouldAlignColumnsAndShowAbsentValuesAsDashes() {
        String text = Table.of("ROLE", "HOST", "NOTE")
                .row("billing", "server-a", null)
                .row("reports-long", "", "held:\nwaiting")
                .render();

        assertThat(text).isEqualTo("""
                ROLE          HOST      NOTE
                billing       server-a  -
                reports-long  -         held: waiting
                """);
    }

    @Test
    void shouldRefuseRowsOfTheWrongWidth() {
        assertThatThrownBy(() -> Table.of("A", "B").row("x")).isInstanceOf(IllegalArgumentException.class);
    }
}
