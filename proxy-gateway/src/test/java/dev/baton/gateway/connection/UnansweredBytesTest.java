package dev.baton.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnansweredBytesTest {

    @Test
    void shouldBeIdleUntilClientBytesAreSentAndAgainOnceTheUpstreamAnswers() {
        UnansweredBytes unanswered = new UnansweredBytes(InFlightPolicy.DEFAULT);
        assertThat(unanswered.inFlight()).isEqualTo(InFlight.IDLE);

        unanswered.sent(10);
        assertThat(unanswered.inFlight()).isEqualTo(new InFlight(10, false));

        unanswered.answered();
        assertThat(unanswered.inFlight().awaiting()).isFalse();
    }

    @Test
    void shouldKeepNoCopiesUnderTheClosePolicy() {
        UnansweredBytes unanswered = new UnansweredBytes(InFlightPolicy.DEFAULT);

        assertThat(unanswered.wantsCopy(1)).isFalse();
        unanswered.sent(bytes("GET"));

        assertThat(unanswered.inFlight()).isEqualTo(new InFlight(3, false));
        assertThat(unanswered.take()).isEmpty();
    }

    @Test
    void shouldKeepEveryUnansweredByteInOrderUnderTheReplayPolicy() {
        UnansweredBytes unanswered = new UnansweredBytes(new InFlightPolicy(InFlightPolicy.Mode.REPLAY, 16));
        unanswered.sent(bytes("old\n"));
        unanswered.answered();

        unanswered.sent(bytes("SET a\n"));
        unanswered.sent(bytes("GET a\n"));

        assertThat(unanswered.inFlight()).isEqualTo(new InFlight(12, true));
        List<byte[]> kept = unanswered.take();
        assertThat(kept).extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("SET a\n", "GET a\n");
        assertThat(unanswered.inFlight()).isEqualTo(InFlight.IDLE);
    }

    @Test
    void shouldStopKeepingPastTheReplayLimitUntilTheNextAnswer() {
        UnansweredBytes unanswered = new UnansweredBytes(new InFlightPolicy(InFlightPolicy.Mode.REPLAY, 8));
        unanswered.sent(bytes("12345"));

        assertThat(unanswered.wantsCopy(4)).isFalse();
        unanswered.sent(4);
        assertThat(unanswered.inFlight()).isEqualTo(new InFlight(9, false));
        assertThat(unanswered.wantsCopy(1)).as("a gap cannot be filled later").isFalse();

        unanswered.answered();
        assertThat(unanswered.wantsCopy(8)).isTrue();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
