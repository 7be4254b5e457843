package dev.baton.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnansweredBytesTest {

    @Test
    void shouldBeIdleUntilClientBytesAreSentAndAgainOnceTheUpstreamAnswers() {
        UnansweredBytes unanswered = new UnansweredBytes(InFlightPolicy.DEFAULT);
        assertThat(unanswered.inFlight(0)).isEqualTo(InFlight.IDLE);

        unanswered.sent(10, 0);
        assertThat(unanswered.inFlight(0)).isEqualTo(new InFlight(10, false, 0));

        unanswered.answered(0);
        assertThat(unanswered.inFlight(0).awaiting()).isFalse();
    }

    @Test
    void shouldKeepNoCopiesUnderTheClosePolicy() {
        UnansweredBytes unanswered = new UnansweredBytes(InFlightPolicy.DEFAULT);

        assertThat(unanswered.wantsCopy(1)).isFalse();
        unanswered.sent(bytes("GET"), 0);

        assertThat(unanswered.inFlight(0)).isEqualTo(new InFlight(3, false, 0));
        assertThat(unanswered.take()).isEmpty();
    }

    @Test
    void shouldKeepEveryUnansweredByteInOrderUnderTheReplayPolicy() {
        UnansweredBytes unanswered = new UnansweredBytes(new InFlightPolicy(InFlightPolicy.Mode.REPLAY, 16));
        unanswered.sent(bytes("old\n"), 0);
        unanswered.answered(0);

        unanswered.sent(bytes("SET a\n"), 0);
        unanswered.sent(bytes("GET a\n"), 0);

        assertThat(unanswered.inFlight(0)).isEqualTo(new InFlight(12, true, 0));
        List<byte[]> kept = unanswered.take();
        assertThat(kept).extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("SET a\n", "GET a\n");
        assertThat(unanswered.inFlight(0)).isEqualTo(InFlight.IDLE);
    }

    @Test
    void shouldStopKeepingPastTheReplayLimitUntilTheNextAnswer() {
        UnansweredBytes unanswered = new UnansweredBytes(new InFlightPolicy(InFlightPolicy.Mode.REPLAY, 8));
        unanswered.sent(bytes("12345"), 0);

        assertThat(unanswered.wantsCopy(4)).isFalse();
        unanswered.sent(4, 0);
        assertThat(unanswered.inFlight(0)).isEqualTo(new InFlight(9, false, 0));
        assertThat(unanswered.wantsCopy(1)).as("a gap cannot be filled later").isFalse();

        unanswered.answered(0);
        assertThat(unanswered.wantsCopy(8)).isTrue();
    }

    @Test
    void shouldTellHowLongNoByteWentEitherWay() {
        UnansweredBytes unanswered = new UnansweredBytes(InFlightPolicy.DEFAULT);
        unanswered.sent(5, 100);
        unanswered.answered(130);

        InFlight later = unanswered.inFlight(400);
        assertThat(later).isEqualTo(new InFlight(0, true, 270));
        assertThat(later.awaiting()).as("nothing sent after the last answer bytes").isFalse();
        assertThat(later.awaiting(500)).as("a pipeline may still wait for answers").isTrue();
        assertThat(later.awaiting(270)).as("quiet long enough").isFalse();
    }

    @Test
    void shouldForgetTheTrafficWithALostUpstream() {
        UnansweredBytes unanswered = new UnansweredBytes(InFlightPolicy.DEFAULT);
        unanswered.sent(5, 100);

        unanswered.reset();

        assertThat(unanswered.inFlight(101)).isEqualTo(InFlight.IDLE);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
