package dev.baton.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.Endpoint;
import dev.baton.gateway.connection.ClientConnectionState.Closed;
import dev.baton.gateway.connection.ClientConnectionState.Draining;
import dev.baton.gateway.connection.ClientConnectionState.Switching;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionMachine} with the conservative "awaiting" judgement: a connection whose last bytes were the
 * upstream's but that had traffic within the quiet interval may be a pipelining client still waiting for answers.
 */
class ConnectionMachinePipelineTest {
    private static final Endpoint A = new Endpoint("10.0.0.1", 47001);
    private static final Endpoint B = new Endpoint("10.0.0.2", 47001);
    private static final long TIMEOUT = 1_000;
    private static final long DRAIN = 300;
    private static final long QUIET = 200;
    /** Part of a pipeline's answers came 5 ms before the loss; nothing was sent after them. */
    private static final InFlight PARTLY_ANSWERED = new InFlight(0, true, 5);
    /** The upstream answered last, 250 ms before the loss. */
    private static final InFlight QUIET_LONG_ENOUGH = new InFlight(0, true, QUIET + 50);

    @Test
    void shouldCloseAConnectionWithRecentTrafficWhenItsUpstreamIsLostUnderTheClosePolicy() {
        ConnectionMachine closing = forwardingToA(InFlightPolicy.Mode.CLOSE);

        List<Action> lost = closing.onUpstreamClosed(1, A, 100, PARTLY_ANSWERED);

        assertThat(lost).singleElement().isInstanceOfSatisfying(Action.AbandonClient.class, abandon -> {
            assertThat(abandon.cause()).isEqualTo(SwitchCause.UPSTREAM_LOST);
            assertThat(abandon.unansweredBytes()).isZero();
            assertThat(abandon.reason()).contains("5 ms before").contains("in-flight policy close");
        });
        assertThat(closing.state()).isInstanceOf(Closed.class);
    }

    @Test
    void shouldCloseAConnectionWithRecentTrafficWhenTheRoleMovesAwayUnderTheClosePolicy() {
        ConnectionMachine closing = forwardingToA(InFlightPolicy.Mode.CLOSE);

        List<Action> moved = closing.onRoute(2, B, 100, PARTLY_ANSWERED, false);

        assertThat(moved).singleElement().isInstanceOf(Action.AbandonClient.class);
    }

    @Test
    void shouldRepointAConnectionQuietForTheIntervalWhateverThePolicy() {
        for (InFlightPolicy.Mode mode : InFlightPolicy.Mode.values()) {
            ConnectionMachine machine = forwardingToA(mode);

            List<Action> lost = machine.onUpstreamClosed(1, A, 100, QUIET_LONG_ENOUGH);

            assertThat(lost.get(0)).as(mode.wireName()).isEqualTo(new Action.DropUpstream(SwitchCause.UPSTREAM_LOST,
                    false));
            assertThat(machine.state()).as(mode.wireName()).isInstanceOf(Switching.class);
        }
    }

    @Test
    void shouldRepointWithNothingToResendUnderReplayWhenNothingWasSentAfterTheLastAnswerBytes() {
        ConnectionMachine replaying = forwardingToA(InFlightPolicy.Mode.REPLAY);

        List<Action> moved = replaying.onRoute(2, B, 100, PARTLY_ANSWERED, false);

        assertThat(moved.get(0)).as("earlier bytes may have been answered: resending them could run them twice")
                .isEqualTo(new Action.DropUpstream(SwitchCause.MOVE, false));
        assertThat(((Switching) replaying.state()).replay()).isFalse();
    }

    @Test
    void shouldDrainAConnectionWithRecentTrafficOnAPlannedMove() {
        ConnectionMachine closing = forwardingToA(InFlightPolicy.Mode.CLOSE);

        assertThat(closing.onRoute(2, B, 100, PARTLY_ANSWERED, true))
                .containsExactly(new Action.StartDrain(2, 100 + DRAIN));
        assertThat(closing.state()).isInstanceOf(Draining.class);
    }

    @Test
    void shouldSwitchWithoutClosingWhenTheDrainedHostClosesAfterItsLastAnswers() {
        ConnectionMachine closing = forwardingToA(InFlightPolicy.Mode.CLOSE);
        closing.onRoute(2, B, 100, PARTLY_ANSWERED, true);

        // The old host's last answers came 1 ms before it closed after the FIN: its close ends them, not a loss.
        List<Action> closed = closing.onUpstreamClosed(2, B, 150, new InFlight(0, true, 1));

        assertThat(closed.get(0)).isEqualTo(new Action.DropUpstream(SwitchCause.MOVE, false));
        assertThat(closing.state()).isInstanceOf(Switching.class);
    }

    @Test
    void shouldApplyThePolicyWhenTheDrainDeadlinePassesWithRecentTraffic() {
        ConnectionMachine closing = forwardingToA(InFlightPolicy.Mode.CLOSE);
        closing.onRoute(2, B, 100, PARTLY_ANSWERED, true);

        assertThat(closing.onDrainDeadline(100 + DRAIN, PARTLY_ANSWERED)).singleElement()
                .isInstanceOf(Action.AbandonClient.class);
    }

    @Test
    void shouldFinishAHalfClosedExchangeWhenTheUpstreamClosesRightAfterItsAnswer() {
        ConnectionMachine closing = forwardingToA(InFlightPolicy.Mode.CLOSE);
        closing.onClientEnded(10, false);

        assertThat(closing.onUpstreamClosed(1, A, 20, PARTLY_ANSWERED)).containsExactly(new Action.FinishClient());
    }

    @Test
    void shouldJudgeByTheBytesAloneWithAZeroQuietInterval() {
        ConnectionMachine exact = new ConnectionMachine(new SwitchPolicy(Duration.ofMillis(TIMEOUT),
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)), Duration.ofMillis(DRAIN), Duration.ZERO),
                InFlightPolicy.DEFAULT);
        Action.Connect connect = (Action.Connect) exact.start(1, A, 0).get(1);
        exact.onConnected(connect.token(), 0);

        assertThat(exact.onUpstreamClosed(1, A, 100, new InFlight(0, true, 0)).get(0))
                .isEqualTo(new Action.DropUpstream(SwitchCause.UPSTREAM_LOST, false));
    }

    private static ConnectionMachine forwardingToA(InFlightPolicy.Mode mode) {
        ConnectionMachine machine = new ConnectionMachine(new SwitchPolicy(Duration.ofMillis(TIMEOUT),
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)), Duration.ofMillis(DRAIN),
                Duration.ofMillis(QUIET)), new InFlightPolicy(mode, 1024));
        Action.Connect connect = (Action.Connect) machine.start(1, A, 0).get(1);
        machine.onConnected(connect.token(), 0);
        return machine;
    }
}
