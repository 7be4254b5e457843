package dev.baton.audit.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CursorTest {

    @Test
    void shouldReadBackWhatItEncodedToTheMicrosecond() {
        Cursor cursor = new Cursor(Instant.parse("2024-05-01T10:00:00.123456Z"), UUID.randomUUID());

        String token = cursor.encode();

        assertThat(token).matches("[A-Za-z0-9_-]+");
        assertThat(Cursor.decode(token)).isEqualTo(cursor);
    }

    @Test
    void shouldEncodeInstantsBeforeTheEpoch() {
        Cursor cursor = new Cursor(Instant.parse("1960-01-01T00:00:00.5Z"), UUID.randomUUID());
        assertThat(Cursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not base64!", "djE6MTIz", "' OR '1'='1", "%00", "djE6MToxOng="})
    void shouldRefuseTokensItDidNotMake(String token) {
        assertThatThrownBy(() -> Cursor.decode(token))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cursor is not one this API returned");
    }

    @Test
    void shouldRefuseAWellFormedTokenWithAnInvalidUuidOrNanos() {
        String badNanos = "v1:1:1000000000:" + UUID.randomUUID();
        String badUuid = "v1:1:0:zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz";
        for (String plain : new String[] {badNanos, badUuid}) {
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> Cursor.decode(token)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRefuseAHugeToken() {
        assertThatThrownBy(() -> Cursor.decode("A".repeat(100_000))).isInstanceOf(IllegalArgumentException.class);
    }
}
