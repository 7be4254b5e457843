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
            new SwitchPolicy(Duration.ofMillis(TIMEOUT), new Backoff(Duration.ofMillis(50), Duration.ofMillis(200))));

    @Test
    void shouldConnectAtOnceWhenTheRouteIsKnownAndForwardWithoutPreamble() {
        List<Action> start = machine.start(1, A, 0);

        assertThat(start).containsExactly(new Action.ArmDeadline(TIMEOUT), new Action.Connect(1, A, 1));
        assertThat(machine.state()).isInstanceOf(Connecting.class);

        List<Action> connected = machine.onConnected(1, 5);

        assertThat(connected).containsExactly(new Action.StartForwarding(A, 1, false, null, 0));
        assertThat(machine.state()).isEqualTo(new Forwarding(1, A));
    }

    @Test
    void shouldWaitForTheRouteWhenTheRoleIsNotRunningYet() {
        assertThat(machine.start(2, null, 0)).containsExactly(new Action.ArmDeadline(TIMEOUT));

        assertThat(machine.onRoute(2, B, 100)).containsExactly(new Action.Connect(1, B, 2));
    }

    @Test
    void shouldDropTheUpstreamOnAMoveBeforeTheNewHostIsKnownThenReconnectWithThePreambleFlag() {
        forwardingTo(1, A, 0);

        List<Action> moved = machine.onRoute(2, null, 100);

        assertThat(moved).containsExactly(new Action.DropUpstream(SwitchCause.MOVE),
                new Action.ArmDeadline(100 + TIMEOUT));
        Switching switching = (Switching) machine.state();
        assertThat(switching.cause()).isEqualTo(SwitchCause.MOVE);
        assertThat(switching.from()).isEqualTo(A);
        assertThat(switching.fromEpoch()).isEqualTo(1);
        assertThat(switching.pending().target()).isNull();

        List<Action> running = machine.onRoute(2, B, 300);
        Action.Connect connect = (Action.Connect) running.get(0);
        assertThat(connect.target()).isEqualTo(B);

        assertThat(machine.onConnected(connect.token(), 340))
                .containsExactly(new Action.StartForwarding(B, 2, true, SwitchCause.MOVE, 240));
        assertThat(machine.state()).isEqualTo(new Forwarding(2, B));
    }

    @Test
    void shouldNotReactToTheSameEpochWhileForwarding() {
        forwardingTo(3, A, 0);

        assertThat(machine.onRoute(3, B, 10)).isEmpty();
        assertThat(machine.onRoute(3, null, 10)).isEmpty();
        assertThat(machine.state()).isEqualTo(new Forwarding(3, A));
    }

    @Test
    void shouldRetryWithBackoffAndCloseWithTheReasonAtTheDeadline() {
        forwardingTo(1, A, 0);
        machine.onRoute(2, B, 0);
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
        machine.onRoute(2, null, 0);

        Action.CloseClient close = (Action.CloseClient) machine.onDeadline(TIMEOUT).get(0);

        assertThat(close.reason()).isEqualTo("no host reported the role RUNNING at epoch 2 within 1000 ms");
    }

    @Test
    void shouldKeepTheFirstDeadlineAcrossSeveralMoves() {
        forwardingTo(1, A, 0);
        machine.onRoute(2, null, 0);
        machine.onRoute(3, null, 800);

        assertThat(machine.onDeadline(TIMEOUT)).hasSize(1);
    }

    @Test
    void shouldDiscardAConnectionThatCompletesAfterItsAttemptWasAbandoned() {
        machine.start(1, A, 0);
        // A move arrives while the connect to A is in flight: the attempt at A is abandoned.
        List<Action> moved = machine.onRoute(2, B, 10);
        Action.Connect toB = (Action.Connect) moved.get(0);

        assertThat(machine.onConnected(1, 20)).containsExactly(new Action.DiscardConnection(1));
        assertThat(machine.onConnectFailed(1, "late", 20)).isEmpty();
        assertThat(machine.onConnected(toB.token(), 30)).containsExactly(new Action.StartForwarding(B, 2, false, null, 0));
    }

    @Test
    void shouldReconnectToTheSameEndpointWhenTheUpstreamBreaksWithoutAMove() {
        forwardingTo(4, A, 0);

        List<Action> lost = machine.onUpstreamClosed(4, A, 100);

        assertThat(lost.get(0)).isEqualTo(new Action.DropUpstream(SwitchCause.UPSTREAM_LOST));
        assertThat(lost.get(1)).isEqualTo(new Action.ArmDeadline(100 + TIMEOUT));
        Action.Connect connect = (Action.Connect) lost.get(2);
        assertThat(connect.target()).isEqualTo(A);
        assertThat(connect.epoch()).isEqualTo(4);
        assertThat(machine.onConnected(connect.token(), 150))
                .containsExactly(new Action.StartForwarding(A, 4, true, SwitchCause.UPSTREAM_LOST, 50));
    }

    @Test
    void shouldTurnAReconnectIntoAMoveWhenTheRoleMovesMeanwhile() {
        forwardingTo(4, A, 0);
        machine.onUpstreamClosed(4, A, 100);

        Action.Connect toB = (Action.Connect) machine.onRoute(5, B, 200).get(0);

        assertThat(((Switching) machine.state()).cause()).isEqualTo(SwitchCause.MOVE);
        assertThat(machine.onConnected(toB.token(), 250))
                .containsExactly(new Action.StartForwarding(B, 5, true, SwitchCause.MOVE, 150));
    }

    @Test
    void shouldIgnoreAStaleRetryTimer() {
        forwardingTo(1, A, 0);
        machine.onRoute(2, B, 0);
        Action.ScheduleRetry retry = (Action.ScheduleRetry) machine.onConnectFailed(2, "refused", 1).get(0);
        // A new endpoint for the epoch arrives before the retry: it is tried at once, the old timer is void.
        Endpoint other = new Endpoint("10.0.0.3", 47001);
        Action.Connect connect = (Action.Connect) machine.onRoute(2, other, 5).get(0);

        assertThat(connect.target()).isEqualTo(other);
        assertThat(machine.onRetryDue(retry.token(), 51)).isEmpty();
    }

    @Test
    void shouldCloseTheUpstreamWhenTheClientLeavesAndIgnoreEverythingAfter() {
        forwardingTo(1, A, 0);

        assertThat(machine.onClientClosed(10)).containsExactly(new Action.CloseUpstream());
        assertThat(machine.state()).isInstanceOf(Closed.class);
        assertThat(machine.onRoute(2, B, 20)).isEmpty();
        assertThat(machine.onUpstreamClosed(1, A, 20)).isEmpty();
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

    private void forwardingTo(long epoch, Endpoint endpoint, long now) {
        Action.Connect connect = (Action.Connect) machine.start(epoch, endpoint, now).get(1);
        machine.onConnected(connect.token(), now);
    }
}
