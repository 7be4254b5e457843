package dev.baton.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.Endpoint;
import dev.baton.gateway.connection.ClientConnectionState.Closed;
import dev.baton.gateway.connection.ClientConnectionState.Connecting;
import dev.baton.gateway.connection.ClientConnectionState.Forwarding;
import dev.baton.gateway.connection.ClientConnectionState.Switching;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionMachineTest {
    private static final Endpoint A = new Endpoint("10.0.0.1", 47001);
    private static final Endpoint B = new Endpoint("10.0.0.2", 47001);
    private static final long TIMEOUT = 1_000;

    private final ConnectionMachine machine = new ConnectionMachine(
            new SwitchPolicy(Duration.ofMillis(TIMEOUT), new Backoff(Duration.ofMillis(50), Duration.ofMillis(200))),
            InFlightPolicy.DEFAULT);

    @Test
    void shouldConnectAtOnceWhenTheRouteIsKnownAndForwardWithoutPreamble() {
        List<Action> start = machine.start(1, A, 0);

        assertThat(start).containsExactly(new Action.ArmDeadline(TIMEOUT), new Action.Connect(1, A, 1));
        assertThat(machine.state()).isInstanceOf(Connecting.class);

        List<Action> connected = machine.onConnected(1, 5);

        assertThat(connected).containsExactly(new Action.StartForwarding(A, 1, false, null, 0, 0, false, false, -1));
        assertThat(machine.state()).isEqualTo(new Forwarding(1, A));
    }

    @Test
    void shouldWaitForTheRouteWhenTheRoleIsNotRunningYet() {
        assertThat(machine.start(2, null, 0)).containsExactly(new Action.ArmDeadline(TIMEOUT));

        assertThat(machine.onRoute(2, B, 100, InFlight.IDLE, false)).containsExactly(new Action.Connect(1, B, 2));
    }

    @Test
    void shouldDropTheUpstreamOnAMoveBeforeTheNewHostIsKnownThenReconnectWithThePreambleFlag() {
        forwardingTo(1, A, 0);

        List<Action> moved = machine.onRoute(2, null, 100, InFlight.IDLE, false);

        assertThat(moved).containsExactly(new Action.DropUpstream(SwitchCause.MOVE, false),
                new Action.ArmDeadline(100 + TIMEOUT));
        Switching switching = (Switching) machine.state();
        assertThat(switching.cause()).isEqualTo(SwitchCause.MOVE);
        assertThat(switching.from()).isEqualTo(A);
        assertThat(switching.fromEpoch()).isEqualTo(1);
        assertThat(switching.pending().target()).isNull();

        List<Action> running = machine.onRoute(2, B, 300, InFlight.IDLE, false);
        Action.Connect connect = (Action.Connect) running.get(0);
        assertThat(connect.target()).isEqualTo(B);

        assertThat(machine.onConnected(connect.token(), 340))
                .containsExactly(new Action.StartForwarding(B, 2, true, SwitchCause.MOVE, 240, 0, false, false, -1));
        assertThat(machine.state()).isEqualTo(new Forwarding(2, B));
    }

    @Test
    void shouldNotReactToTheSameEpochWhileForwarding() {
        forwardingTo(3, A, 0);

        assertThat(machine.onRoute(3, B, 10, InFlight.IDLE, false)).isEmpty();
        assertThat(machine.onRoute(3, null, 10, InFlight.IDLE, false)).isEmpty();
        assertThat(machine.state()).isEqualTo(new Forwarding(3, A));
    }

    @Test
    void shouldRetryWithBackoffAndCloseWithTheReasonAtTheDeadline() {
        forwardingTo(1, A, 0);
        machine.onRoute(2, B, 0, InFlight.IDLE, false);
        long token = 2;

        List<Action> failed = machine.onConnectFailed(token, "Connection refused", 10);
        Action.ScheduleRetry retry = (Action.ScheduleRetry) failed.get(0);
        assertThat(retry.delayMillis()).isEqualTo(50);

        Action.Connect again = (Action.Connect) machine.onRetryDue(retry.token(), 60).get(0);
        Action.ScheduleRetry second = (Action.ScheduleRetry) machine.onConnectFailed(again.token(), "Connection refused", 61).get(0);
        assertThat(second.delayMillis()).isEqualTo(100);

        assertThat(machine.onDeadline(TIMEOUT - 1)).as("not due yet").isEmpty();
        List<Action> closed = machine.onDeadline(TIMEOUT);

        Action.CloseClient close = (Action.CloseClient) closed.get(0);
        assertThat(close.cause()).isEqualTo(SwitchCause.MOVE);
        assertThat(close.epoch()).isEqualTo(2);
        assertThat(close.reason()).contains(B.toString()).contains("2 attempts").contains("Connection refused");
        assertThat(machine.state()).isInstanceOf(Closed.class);
    }

    @Test
    void shouldSayNoHostWasRunningWhenTheNewEpochNeverGotAnEndpoint() {
        forwardingTo(1, A, 0);
        machine.onRoute(2, null, 0, InFlight.IDLE, false);

        Action.CloseClient close = (Action.CloseClient) machine.onDeadline(TIMEOUT).get(0);

        assertThat(close.reason()).isEqualTo("no host reported the role RUNNING at epoch 2 within 1000 ms");
    }

    @Test
    void shouldKeepTheFirstDeadlineAcrossSeveralMoves() {
        forwardingTo(1, A, 0);
        machine.onRoute(2, null, 0, InFlight.IDLE, false);
        machine.onRoute(3, null, 800, InFlight.IDLE, false);

        assertThat(machine.onDeadline(TIMEOUT)).hasSize(1);
    }

    @Test
    void shouldDiscardAConnectionThatCompletesAfterItsAttemptWasAbandoned() {
        machine.start(1, A, 0);
        // A move arrives while the connect to A is in flight: the attempt at A is abandoned.
        List<Action> moved = machine.onRoute(2, B, 10, InFlight.IDLE, false);
        Action.Connect toB = (Action.Connect) moved.get(0);

        assertThat(machine.onConnected(1, 20)).containsExactly(new Action.DiscardConnection(1));
        assertThat(machine.onConnectFailed(1, "late", 20)).isEmpty();
        assertThat(machine.onConnected(toB.token(), 30)).containsExactly(new Action.StartForwarding(B, 2, false, null, 0, 0, false, false, -1));
    }

    @Test
    void shouldReconnectToTheSameEndpointWhenTheUpstreamBreaksWithoutAMove() {
        forwardingTo(4, A, 0);

        List<Action> lost = machine.onUpstreamClosed(4, A, 100, InFlight.IDLE);

        assertThat(lost.get(0)).isEqualTo(new Action.DropUpstream(SwitchCause.UPSTREAM_LOST, false));
        assertThat(lost.get(1)).isEqualTo(new Action.ArmDeadline(100 + TIMEOUT));
        Action.Connect connect = (Action.Connect) lost.get(2);
        assertThat(connect.target()).isEqualTo(A);
        assertThat(connect.epoch()).isEqualTo(4);
        assertThat(machine.onConnected(connect.token(), 150))
                .containsExactly(new Action.StartForwarding(A, 4, true, SwitchCause.UPSTREAM_LOST, 50, 0, false, false, -1));
    }

    @Test
    void shouldTurnAReconnectIntoAMoveWhenTheRoleMovesMeanwhile() {
        forwardingTo(4, A, 0);
        machine.onUpstreamClosed(4, A, 100, InFlight.IDLE);

        Action.Connect toB = (Action.Connect) machine.onRoute(5, B, 200, InFlight.IDLE, false).get(0);

        assertThat(((Switching) machine.state()).cause()).isEqualTo(SwitchCause.MOVE);
        assertThat(machine.onConnected(toB.token(), 250))
                .containsExactly(new Action.StartForwarding(B, 5, true, SwitchCause.MOVE, 150, 0, false, false, -1));
    }

    @Test
    void shouldIgnoreAStaleRetryTimer() {
        forwardingTo(1, A, 0);
        machine.onRoute(2, B, 0, InFlight.IDLE, false);
        Action.ScheduleRetry retry = (Action.ScheduleRetry) machine.onConnectFailed(2, "refused", 1).get(0);
        // A new endpoint for the epoch arrives before the retry: it is tried at once, the old timer is void.
        Endpoint other = new Endpoint("10.0.0.3", 47001);
        Action.Connect connect = (Action.Connect) machine.onRoute(2, other, 5, InFlight.IDLE, false).get(0);

        assertThat(connect.target()).isEqualTo(other);
        assertThat(machine.onRetryDue(retry.token(), 51)).isEmpty();
    }

    @Test
    void shouldCloseTheUpstreamWhenTheClientLeavesAndIgnoreEverythingAfter() {
        forwardingTo(1, A, 0);

        assertThat(machine.onClientClosed(10)).containsExactly(new Action.CloseUpstream());
        assertThat(machine.state()).isInstanceOf(Closed.class);
        assertThat(machine.onRoute(2, B, 20, InFlight.IDLE, false)).isEmpty();
        assertThat(machine.onUpstreamClosed(1, A, 20, InFlight.IDLE)).isEmpty();
        assertThat(machine.onDeadline(10_000)).isEmpty();
        assertThat(machine.onClientClosed(30)).isEmpty();
    }

    @Test
    void shouldCloseANewClientWhoseRoleIsNeverPlaced() {
        machine.start(-1, null, 0);

        Action.CloseClient close = (Action.CloseClient) machine.onDeadline(TIMEOUT).get(0);

        assertThat(close.cause()).isNull();
        assertThat(close.reason()).isEqualTo("no assignment of the role seen within 1000 ms");
    }

    @Test
    void shouldBackOffExponentiallyUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1));

        assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 30).stream().map(backoff::delayMillis).toList())
                .containsExactly(50L, 100L, 200L, 400L, 800L, 1000L, 1000L, 1000L);
    }

    @Test
    void shouldRepointAnIdleConnectionWhateverThePolicy() {
        ConnectionMachine closing = machine(InFlightPolicy.Mode.CLOSE);
        forwardingTo(closing, 1, A);

        List<Action> moved = closing.onRoute(2, B, 100, InFlight.IDLE, false);

        assertThat(moved.get(0)).isEqualTo(new Action.DropUpstream(SwitchCause.MOVE, false));
        assertThat(closing.state()).isInstanceOf(Switching.class);
    }

    @Test
    void shouldCloseAConnectionAwaitingAnAnswerWhenTheUpstreamIsLostUnderTheClosePolicy() {
        ConnectionMachine closing = machine(InFlightPolicy.Mode.CLOSE);
        forwardingTo(closing, 4, A);

        List<Action> lost = closing.onUpstreamClosed(4, A, 100, new InFlight(17, false));

        Action.AbandonClient abandon = (Action.AbandonClient) lost.get(0);
        assertThat(lost).hasSize(1);
        assertThat(abandon.epoch()).isEqualTo(4);
        assertThat(abandon.cause()).isEqualTo(SwitchCause.UPSTREAM_LOST);
        assertThat(abandon.unansweredBytes()).isEqualTo(17);
        assertThat(abandon.reason()).contains("17 bytes").contains(A.toString()).contains("in-flight policy close");
        assertThat(closing.state()).isInstanceOf(Closed.class);
        assertThat(closing.onDeadline(10_000)).as("no deadline left to fire").isEmpty();
    }

    @Test
    void shouldCloseAConnectionAwaitingAnAnswerWhenTheRoleMovesAwayUnderTheClosePolicy() {
        ConnectionMachine closing = machine(InFlightPolicy.Mode.CLOSE);
        forwardingTo(closing, 1, A);

        List<Action> moved = closing.onRoute(2, null, 100, new InFlight(5, false), false);

        assertThat(moved).singleElement().isInstanceOfSatisfying(Action.AbandonClient.class, abandon -> {
            assertThat(abandon.epoch()).isEqualTo(2);
            assertThat(abandon.cause()).isEqualTo(SwitchCause.MOVE);
        });
    }

    @Test
    void shouldSwitchWithTheUnansweredBytesToResendUnderTheReplayPolicy() {
        ConnectionMachine replaying = machine(InFlightPolicy.Mode.REPLAY);
        forwardingTo(replaying, 1, A);

        List<Action> moved = replaying.onRoute(2, B, 100, new InFlight(12, true), false);

        assertThat(moved.get(0)).isEqualTo(new Action.DropUpstream(SwitchCause.MOVE, true));
        Switching switching = (Switching) replaying.state();
        assertThat(switching.replay()).isTrue();
        assertThat(switching.unansweredBytes()).isEqualTo(12);
        assertThat(connectAfterMove(replaying, moved, 130))
                .isEqualTo(new Action.StartForwarding(B, 2, true, SwitchCause.MOVE, 30, 12, true, false, -1));
    }

    @Test
    void shouldCloseAConnectionWhoseUnansweredBytesPassedTheReplayLimit() {
        ConnectionMachine replaying = machine(InFlightPolicy.Mode.REPLAY);
        forwardingTo(replaying, 1, A);

        List<Action> lost = replaying.onUpstreamClosed(1, A, 100, new InFlight(100_000, false));

        Action.AbandonClient abandon = (Action.AbandonClient) lost.get(0);
        assertThat(abandon.reason()).contains("100000 bytes").contains("replay limit of 1024 bytes");
        assertThat(replaying.state()).isInstanceOf(Closed.class);
    }

    @Test
    void shouldRepointAConnectionAwaitingAnAnswerUnderTheRepointPolicyWithoutResending() {
        ConnectionMachine repointing = machine(InFlightPolicy.Mode.REPOINT);
        forwardingTo(repointing, 1, A);

        List<Action> moved = repointing.onRoute(2, B, 100, new InFlight(9, false), false);

        assertThat(moved.get(0)).isEqualTo(new Action.DropUpstream(SwitchCause.MOVE, false));
        assertThat(connectAfterMove(repointing, moved, 110))
                .isEqualTo(new Action.StartForwarding(B, 2, true, SwitchCause.MOVE, 10, 9, false, false, -1));
    }

    @Test
    void shouldForwardTheClientsHalfCloseAndFinishWhenTheUpstreamClosesAfterItsAnswer() {
        forwardingTo(1, A, 0);

        assertThat(machine.onClientEnded(10, false)).containsExactly(new Action.EndUpstream());
        assertThat(machine.clientEnded()).isTrue();
        assertThat(machine.onClientEnded(11, false)).as("once").isEmpty();
        assertThat(machine.onUpstreamClosed(1, A, 20, InFlight.IDLE)).containsExactly(new Action.FinishClient());
        assertThat(machine.state()).isInstanceOf(Closed.class);
    }

    @Test
    void shouldHalfCloseTheNextUpstreamAfterTheHeldBytesWhenTheClientEndedWhileSwitching() {
        ConnectionMachine replaying = machine(InFlightPolicy.Mode.REPLAY);
        forwardingTo(replaying, 1, A);
        List<Action> moved = replaying.onRoute(2, B, 100, new InFlight(6, true), false);

        assertThat(replaying.onClientEnded(110, true)).as("the replayed bytes are held: wait for the upstream")
                .isEmpty();

        Action.StartForwarding start = connectAfterMove(replaying, moved, 120);
        assertThat(start.endUpstream()).isTrue();
        assertThat(start.replayed()).isTrue();
    }

    @Test
    void shouldApplyTheInFlightPolicyWhenTheUpstreamIsLostBeforeTheHalfClosedClientGotItsAnswer() {
        ConnectionMachine closing = machine(InFlightPolicy.Mode.CLOSE);
        forwardingTo(closing, 1, A);
        closing.onClientEnded(10, false);

        assertThat(closing.onUpstreamClosed(1, A, 20, new InFlight(6, false)))
                .singleElement().isInstanceOf(Action.AbandonClient.class);
    }

    @Test
    void shouldCloseAClientThatEndsItsStreamWhileSwitchingWithNothingHeld() {
        forwardingTo(1, A, 0);
        machine.onUpstreamClosed(1, A, 10, InFlight.IDLE);

        assertThat(machine.onClientEnded(20, false))
                .containsExactly(new Action.CloseUpstream(), new Action.FinishClient());
        assertThat(machine.state()).isInstanceOf(Closed.class);
    }

    private static ConnectionMachine machine(InFlightPolicy.Mode mode) {
        return new ConnectionMachine(new SwitchPolicy(Duration.ofMillis(TIMEOUT),
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(200))), new InFlightPolicy(mode, 1024));
    }

    /** Completes the connect that {@code moved} (drop, deadline, connect) started; returns the single action. */
    private static Action.StartForwarding connectAfterMove(ConnectionMachine machine, List<Action> moved, long now) {
        Action.Connect connect = (Action.Connect) moved.get(2);
        List<Action> started = machine.onConnected(connect.token(), now);
        assertThat(started).hasSize(1);
        return (Action.StartForwarding) started.get(0);
    }

    private static void forwardingTo(ConnectionMachine machine, long epoch, Endpoint endpoint) {
        Action.Connect connect = (Action.Connect) machine.start(epoch, endpoint, 0).get(1);
        machine.onConnected(connect.token(), 0);
    }

    private void forwardingTo(long epoch, Endpoint endpoint, long now) {
        Action.Connect connect = (Action.Connect) machine.start(epoch, endpoint, now).get(1);
        machine.onConnected(connect.token(), now);
    }
}
