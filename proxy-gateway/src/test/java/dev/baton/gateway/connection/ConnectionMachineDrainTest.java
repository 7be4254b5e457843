package dev.baton.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.Endpoint;
import dev.baton.gateway.connection.ClientConnectionState.Closed;
import dev.baton.gateway.connection.ClientConnectionState.Connecting;
import dev.baton.gateway.connection.ClientConnectionState.Draining;
import dev.baton.gateway.connection.ClientConnectionState.Forwarding;
import dev.baton.gateway.connection.ClientConnectionState.Switching;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionMachine} on planned moves: connections that await an answer drain from the old host, when the move
 * arrives or, before it, when the placement asks ({@link ConnectionMachine#onDrainRequest}); after a drain request no
 * client byte reaches the old host and the connection waits for the move.
 */
class ConnectionMachineDrainTest {
    private static final Endpoint A = new Endpoint("10.0.0.1", 47001);
    private static final Endpoint B = new Endpoint("10.0.0.2", 47001);
    private static final Endpoint C = new Endpoint("10.0.0.3", 47001);
    private static final long TIMEOUT = 1_000;
    private static final long DRAIN = 300;
    private static final InFlight AWAITING = new InFlight(10, false);

    private final ConnectionMachine machine = new ConnectionMachine(new SwitchPolicy(Duration.ofMillis(TIMEOUT),
            new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)), Duration.ofMillis(DRAIN)),
            InFlightPolicy.DEFAULT);

    @Test
    void shouldDrainAnAwaitingConnectionOnAPlannedMoveAndSwitchOnceTheOldHostClosed() {
        forwardingToA();

        assertThat(machine.onRoute(2, B, 100, AWAITING, true)).containsExactly(new Action.StartDrain(2, 100 + DRAIN));
        assertThat(machine.state()).isEqualTo(new Draining(2, B, A, 1, 100, 100 + DRAIN));

        // The old host answered (nothing in flight any more) and closed after the FIN
        List<Action> closed = machine.onUpstreamClosed(2, B, 150, InFlight.IDLE);

        assertThat(closed.get(0)).isEqualTo(new Action.DropUpstream(SwitchCause.MOVE, false));
        assertThat(closed.get(1)).isEqualTo(new Action.ArmDeadline(150 + TIMEOUT));
        Action.Connect connect = (Action.Connect) closed.get(2);
        assertThat(connect.target()).isEqualTo(B);
        assertThat(((Switching) machine.state()).drainMillis()).isEqualTo(50);
        assertThat(machine.onConnected(connect.token(), 170)).as("the held bytes waited since the drain began")
                .containsExactly(new Action.StartForwarding(B, 2, true, SwitchCause.MOVE, 70, 0, false, false, 50));
    }

    @Test
    void shouldSwitchAnIdleConnectionAtOnceOnAPlannedMove() {
        forwardingToA();

        List<Action> moved = machine.onRoute(2, B, 100, InFlight.IDLE, true);

        assertThat(moved.get(0)).isEqualTo(new Action.DropUpstream(SwitchCause.MOVE, false));
        assertThat(((Switching) machine.state()).drainMillis()).isEqualTo(-1);
    }

    @Test
    void shouldApplyTheInFlightPolicyWhenTheOldHostDoesNotAnswerWithinTheDrainTimeout() {
        forwardingToA();
        machine.onRoute(2, B, 100, AWAITING, true);

        assertThat(machine.onDrainDeadline(100 + DRAIN - 1, AWAITING)).as("not due yet").isEmpty();
        List<Action> due = machine.onDrainDeadline(100 + DRAIN, AWAITING);

        Action.AbandonClient abandon = (Action.AbandonClient) due.get(0);
        assertThat(abandon.epoch()).isEqualTo(2);
        assertThat(abandon.reason()).contains("did not answer within 300 ms of draining").contains("policy close");
        assertThat(machine.state()).isInstanceOf(Closed.class);
    }

    @Test
    void shouldSwitchAtTheDrainDeadlineWhenTheOldHostAnsweredButKeptTheConnectionOpen() {
        forwardingToA();
        machine.onRoute(2, B, 100, AWAITING, true);

        List<Action> due = machine.onDrainDeadline(100 + DRAIN, InFlight.IDLE);

        assertThat(due.get(0)).isEqualTo(new Action.DropUpstream(SwitchCause.MOVE, false));
        assertThat(((Switching) machine.state()).drainMillis()).isEqualTo(DRAIN);
    }

    @Test
    void shouldDrainTowardsANewerMoveThatArrivesMeanwhile() {
        forwardingToA();
        machine.onRoute(2, null, 100, AWAITING, true);

        assertThat(machine.onRoute(3, C, 120, AWAITING, true)).isEmpty();
        assertThat(machine.pendingEpoch()).isEqualTo(3);

        Action.Connect connect = (Action.Connect) machine.onUpstreamClosed(3, C, 140, InFlight.IDLE).get(2);
        assertThat(connect.target()).isEqualTo(C);
        assertThat(connect.epoch()).isEqualTo(3);
    }

    @Test
    void shouldCloseTheOldUpstreamWhenTheClientLeavesWhileDraining() {
        forwardingToA();
        machine.onRoute(2, B, 100, AWAITING, true);

        assertThat(machine.onClientClosed(110)).containsExactly(new Action.CloseUpstream());
        assertThat(machine.onDrainDeadline(100 + DRAIN, AWAITING)).isEmpty();
    }

    @Test
    void shouldNotDrainAnUnplannedMove() {
        forwardingToA();

        assertThat(machine.onRoute(2, B, 100, AWAITING, false)).singleElement()
                .isInstanceOf(Action.AbandonClient.class);
    }

    // ---------------------------------------------------- drain requested by the placement before the move

    @Test
    void shouldDrainAnAwaitingConnectionOnADrainRequestAndWaitForTheMove() {
        forwardingToA();

        assertThat(machine.onDrainRequest(1, 100, AWAITING)).containsExactly(new Action.StartDrain(2, 100 + DRAIN));
        assertThat(machine.state()).isEqualTo(new Draining(2, null, A, 1, 100, 100 + DRAIN));

        // The old host answered and closed after the FIN: the connection waits for the move, connecting nowhere.
        List<Action> closed = machine.onUpstreamClosed(1, A, 150, InFlight.IDLE);
        assertThat(closed).containsExactly(new Action.DropUpstream(SwitchCause.MOVE, false),
                new Action.ArmDeadline(150 + TIMEOUT));
        assertThat(machine.state()).isInstanceOf(Switching.class);

        assertThat(machine.onRoute(2, null, 400, InFlight.IDLE, true)).as("moved, new host not running yet").isEmpty();
        Action.Connect connect = (Action.Connect) machine.onRoute(2, B, 900, InFlight.IDLE, true).get(0);
        assertThat(connect.target()).isEqualTo(B);
        assertThat(machine.onConnected(connect.token(), 950)).as("the held bytes waited since the drain began")
                .containsExactly(new Action.StartForwarding(B, 2, true, SwitchCause.MOVE, 850, 0, false, false, 50));
    }

    @Test
    void shouldTakeAnIdleConnectionOffTheOldHostAtOnceOnADrainRequest() {
        forwardingToA();

        assertThat(machine.onDrainRequest(1, 100, InFlight.IDLE)).containsExactly(
                new Action.DropUpstream(SwitchCause.MOVE, false), new Action.ArmDeadline(100 + TIMEOUT));
        assertThat(machine.pendingEpoch()).isEqualTo(2);
    }

    @Test
    void shouldNeverGoBackToTheDrainedHostAtTheSameEpoch() {
        forwardingToA();
        machine.onDrainRequest(1, 100, InFlight.IDLE);

        assertThat(machine.onRoute(1, A, 200, InFlight.IDLE, false)).isEmpty();
        assertThat(machine.state()).isInstanceOf(Switching.class);
    }

    @Test
    void shouldAbandonAConnectAttemptToTheDrainedHost() {
        Action.Connect toA = (Action.Connect) machine.start(1, A, 0).get(1);

        assertThat(machine.onDrainRequest(1, 10, InFlight.IDLE)).isEmpty();

        assertThat(machine.onConnected(toA.token(), 20)).containsExactly(new Action.DiscardConnection(toA.token()));
        assertThat(machine.state()).isInstanceOf(Connecting.class);
        assertThat(machine.pendingEpoch()).isEqualTo(2);
    }

    @Test
    void shouldIgnoreADrainOfAnEpochItAlreadyLeft() {
        forwardingToA();
        Action.Connect toB = (Action.Connect) machine.onRoute(2, B, 100, InFlight.IDLE, false).stream()
                .filter(Action.Connect.class::isInstance).findFirst().orElseThrow();
        machine.onConnected(toB.token(), 120);

        assertThat(machine.onDrainRequest(1, 200, AWAITING)).isEmpty();
        assertThat(machine.state()).isEqualTo(new Forwarding(2, B));
    }

    @Test
    void shouldFollowTheInFlightPolicyWhenADrainRequestedByThePlacementTimesOut() {
        forwardingToA();
        machine.onDrainRequest(1, 100, AWAITING);

        List<Action> due = machine.onDrainDeadline(100 + DRAIN, AWAITING);

        assertThat(due).singleElement().isInstanceOf(Action.AbandonClient.class);
    }

    private void forwardingToA() {
        Action.Connect connect = (Action.Connect) machine.start(1, A, 0).get(1);
        machine.onConnected(connect.token(), 0);
    }
}
