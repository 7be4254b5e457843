package dev.baton.placement.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.placement.store.RoleDefinition;
import dev.baton.runtime.http.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IfMatchTest {
    private static final RoleDefinition AT_4 = new RoleDefinition("billing", 4, List.of("srv-a"), false,
            Duration.ZERO, null, null, "alice", Instant.parse("2025-03-14T09:26:53Z"), null);

    @Test
    void shouldLetAChangeThroughWithoutTheHeaderOrWithTheCurrentVersionOrAStar() {
        IfMatch.parse(null).check(AT_4);
        IfMatch.parse("\"4\"").check(AT_4);
        IfMatch.parse("\"3\", \"4\"").check(AT_4);
        IfMatch.parse("*").check(AT_4);
        assertThat(IfMatch.etag(4)).isEqualTo("\"4\"");
    }

    @Test
    void shouldAnswer412WhenTheRoleIsAtAnotherVersion() {
        assertThatThrownBy(() -> IfMatch.parse("\"3\"").check(AT_4))
                .isInstanceOf(ApiException.class)
                .hasMessage("role billing is at version 4, not 3 as If-Match requires: read it again and redo the change")
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(412));
    }

    @Test
    void shouldNeverMatchAWeakEntityTag() {
        assertThatThrownBy(() -> IfMatch.parse("W/\"4\"").check(AT_4))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(412));
    }

    @Test
    void shouldAnswer400ForSomethingThatIsNotAnEntityTag() {
        for (String header : List.of("4", "\"four\"", "\"4\",", "")) {
            assertThatThrownBy(() -> IfMatch.parse(header))
                    .as(header)
                    .isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
        }
    }
}
