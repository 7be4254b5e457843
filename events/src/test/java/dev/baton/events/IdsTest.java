package dev.baton.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a", "srv-01", "billing.v2", "ROLE_7", "0", "-", "._-"})
    void shouldAcceptValidId(String id) {
        assertThat(Ids.requireValid("roleId", id)).isEqualTo(id);
    }

    @Test
    void shouldAcceptIdOfMaximumLength() {
        String id = "a".repeat(Ids.MAX_LENGTH);

        assertThat(Ids.requireValid("roleId", id)).hasSize(128);
    }

    @Test
    void shouldRejectIdOneCharacterTooLong() {
        assertThatThrownBy(() -> Ids.requireValid("roleId", "a".repeat(129)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("roleId is 129 characters long; the limit is 128");
    }

    @Test
    void shouldRejectEmptyId() {
        assertThatThrownBy(() -> Ids.requireValid("serverId", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serverId is empty");
    }

    @Test
    void shouldRejectMissingId() {
        assertThatThrownBy(() -> Ids.requireValid("serverId", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serverId is missing");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"srv 01", " srv", "srv/01", "srv\\01", "sérveur", "srv\"01", "srv'01", "srv:01", "srv\t",
        "ü", "🚀"})
    void shouldRejectCharactersOutsideTheAllowedSet(String id) {
        assertThatThrownBy(() -> Ids.requireValid("gatewayId", id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("gatewayId '")
                .hasMessageEndingWith("' has characters outside [A-Za-z0-9._-]");
    }

    @Test
    void shouldAcceptAbsentOptionalId() {
        assertThat(Ids.validOrNull("from", null)).isNull();
        assertThat(Ids.validOrNull("from", "srv-01")).isEqualTo("srv-01");
    }

    @Test
    void shouldRejectInvalidOptionalId() {
        assertThatThrownBy(() -> Ids.validOrNull("from", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("from is empty");
    }
}
