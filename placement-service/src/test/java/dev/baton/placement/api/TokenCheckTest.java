package dev.baton.placement.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenCheckTest {
    private final TokenCheck tokens = new TokenCheck("operator-token", "reader-token", "/api/v1/what-if");

    @Test
    void shouldTellTheOperatorTokenFromTheReadOnlyOneAndRefuseAnythingElse() {
        assertThat(tokens.access("Bearer operator-token")).isEqualTo(TokenCheck.Access.OPERATOR);
        assertThat(tokens.access("Bearer reader-token ")).isEqualTo(TokenCheck.Access.READ_ONLY);
        assertThat(tokens.access("Bearer other")).isEqualTo(TokenCheck.Access.NONE);
        assertThat(tokens.access("Bearer ")).isEqualTo(TokenCheck.Access.NONE);
        assertThat(tokens.access("operator-token")).isEqualTo(TokenCheck.Access.NONE);
        assertThat(tokens.access(null)).isEqualTo(TokenCheck.Access.NONE);
    }

    @Test
    void shouldNeverTakeAnEmptyReadOnlyTokenForAToken() {
        TokenCheck withoutReader = new TokenCheck("operator-token", "", "/api/v1/what-if");

        assertThat(withoutReader.access("Bearer ")).isEqualTo(TokenCheck.Access.NONE);
        assertThat(withoutReader.access("Bearer operator-token")).isEqualTo(TokenCheck.Access.OPERATOR);
        assertThatThrownBy(() -> new TokenCheck("same", "same", "/api/v1/what-if"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
