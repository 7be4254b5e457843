package dev.baton.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.RoleUnplaced;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static final String ROLE = "billing";
    private static final Instant T0 = Instant.parse("2025-03-14T09:26:53.000Z");
    private static final Endpoint A = new Endpoint("10.0.0.1", 47001);
    private static final Endpoint B = new Endpoint("10.0.0.2", 47001);

    private final RouteTable table = new RouteTable(List.of(ROLE));

    @Test
    void shouldStartUnknownAndBecomeRunningFromAnAssignmentWithEndpoint() {
        assertThat(table.route(ROLE).status()).isEqualTo(RouteStatus.UNKNOWN);

        RouteUpdate update = table.apply(assignment(3, "srv-a", A, T0), T0);

        assertThat(update).isInstanceOf(RouteUpdate.Changed.class);
        assertThat(((RouteUpdate.Changed) update).moved()).isTrue();
        Route route = table.route(ROLE);
        assertThat(route.epoch()).isEqualTo(3);
        assertThat(route.serverId()).isEqualTo("srv-a");
        assertThat(route.endpoint()).isEqualTo(A);
        assertThat(route.routable()).isTrue();
        assertThat(route.movedAtSource()).isEqualTo(MovedAtSource.ASSIGNMENT);
    }

    @Test
    void shouldMoveOnRoleMovedAndRouteOnlyOnceTheNewOwnerReportsRunning() {
        table.apply(assignment(1, "srv-a", A, T0), T0);

        RouteUpdate moved = table.apply(moved(2, "srv-a", "srv-b", T0.plusSeconds(1)), T0.plusSeconds(1));

        assertThat(((RouteUpdate.Changed) moved).moved()).isTrue();
        assertThat(table.route(ROLE).status()).isEqualTo(RouteStatus.MOVING);
        assertThat(table.route(ROLE).endpoint()).isNull();
        assertThat(table.route(ROLE).movedAt()).isEqualTo(T0.plusSeconds(1));

        RouteUpdate starting = table.apply(state("srv-b", 2, RoleState.STARTING, null), T0.plusSeconds(2));
        assertThat(starting).isInstanceOf(RouteUpdate.Unchanged.class);

        RouteUpdate running = table.apply(state("srv-b", 2, RoleState.RUNNING, B), T0.plusSeconds(3));
        assertThat(running).isInstanceOf(RouteUpdate.Changed.class);
        assertThat(((RouteUpdate.Changed) running).moved()).isFalse();
        assertThat(table.route(ROLE).endpoint()).isEqualTo(B);
        assertThat(table.route(ROLE).movedAt()).as("the move time stays the RoleMoved's").isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void shouldIgnoreEveryEventWithAnEpochBelowTheNewest() {
        table.apply(assignment(5, "srv-a", A, T0), T0);

        RouteUpdate staleAssignment = table.apply(assignment(4, "srv-b", B, T0.plusSeconds(1)), T0);
        RouteUpdate staleRunning = table.apply(state("srv-b", 4, RoleState.RUNNING, B), T0);
        RouteUpdate staleMove = table.apply(moved(3, "srv-a", "srv-b", T0), T0);
        RouteUpdate staleUnplaced = table.apply(new RoleUnplaced(UUID.randomUUID(), T0, ROLE, 4, "srv-b", "gone", null), T0);

        assertThat(List.of(staleAssignment, staleRunning, staleMove, staleUnplaced))
                .allSatisfy(update -> assertThat(update).isInstanceOf(RouteUpdate.Stale.class));
        assertThat(((RouteUpdate.Stale) staleAssignment).staleEpoch()).isEqualTo(4);
        assertThat(staleAssignment.why()).contains("stale").contains("epoch 4 < newest 5");
        assertThat(table.route(ROLE).endpoint()).isEqualTo(A);
        assertThat(table.route(ROLE).epoch()).isEqualTo(5);
    }

    @Test
    void shouldIgnoreAStateReportFromAServerThatDoesNotOwnTheEpoch() {
        table.apply(moved(2, "srv-a", "srv-b", T0), T0);

        RouteUpdate update = table.apply(state("srv-a", 2, RoleState.RUNNING, A), T0);

        assertThat(update).isInstanceOf(RouteUpdate.Ignored.class);
        assertThat(((RouteUpdate.Ignored) update).suspicious()).isTrue();
        assertThat(table.route(ROLE).status()).isEqualTo(RouteStatus.MOVING);
    }

    @Test
    void shouldIgnoreADecisionNamingAnotherServerAtAnEpochThatHasOne() {
        table.apply(moved(2, "srv-a", "srv-b", T0), T0);

        RouteUpdate update = table.apply(assignment(2, "srv-c", null, T0), T0);

        assertThat(update).isInstanceOf(RouteUpdate.Ignored.class);
        assertThat(table.route(ROLE).serverId()).isEqualTo("srv-b");
    }

    @Test
    void shouldTakeTheMoveTimeFromARoleMovedThatArrivesAfterTheAssignment() {
        table.apply(assignment(2, "srv-b", null, T0.plusMillis(5)), T0.plusMillis(9));

        RouteUpdate update = table.apply(moved(2, "srv-a", "srv-b", T0), T0.plusMillis(10));

        assertThat(update).isInstanceOf(RouteUpdate.Unchanged.class);
        assertThat(table.route(ROLE).movedAt()).isEqualTo(T0);
        assertThat(table.route(ROLE).movedAtSource()).isEqualTo(MovedAtSource.ROLE_MOVED);
    }

    @Test
    void shouldFollowARunningReportAtAnEpochNotSeenYetAsAMove() {
        table.apply(assignment(1, "srv-a", A, T0), T0);

        RouteUpdate update = table.apply(state("srv-b", 2, RoleState.RUNNING, B), T0.plusSeconds(1));

        assertThat(((RouteUpdate.Changed) update).moved()).isTrue();
        assertThat(table.route(ROLE).endpoint()).isEqualTo(B);
        assertThat(table.route(ROLE).movedAtSource()).isEqualTo(MovedAtSource.GATEWAY);
        assertThat(table.route(ROLE).movedAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void shouldNotLetAnAssignmentsEndpointOverrideTheOwnersLaterFailure() {
        table.apply(moved(2, "srv-a", "srv-b", T0), T0);
        table.apply(state("srv-b", 2, RoleState.RUNNING, B), T0);
        table.apply(state("srv-b", 2, RoleState.FAILED, null), T0);
        assertThat(table.route(ROLE).status()).isEqualTo(RouteStatus.DOWN);

        RouteUpdate update = table.apply(assignment(2, "srv-b", B, T0), T0);

        assertThat(update).isInstanceOf(RouteUpdate.Unchanged.class);
        assertThat(table.route(ROLE).status()).isEqualTo(RouteStatus.DOWN);

        table.apply(state("srv-b", 2, RoleState.RUNNING, B), T0);
        assertThat(table.route(ROLE).routable()).isTrue();
    }

    @Test
    void shouldMarkTheRoleUnplacedAndAcceptTheNextPlacement() {
        table.apply(assignment(2, "srv-a", A, T0), T0);

        table.apply(new RoleUnplaced(UUID.randomUUID(), T0, ROLE, 2, "srv-a", "no eligible server", null), T0);
        assertThat(table.route(ROLE).status()).isEqualTo(RouteStatus.UNPLACED);
        assertThat(table.route(ROLE).serverId()).isNull();

        RouteUpdate noServer = table.apply(assignment(3, null, null, T0), T0);
        assertThat(((RouteUpdate.Changed) noServer).moved()).isTrue();
        assertThat(table.route(ROLE).status()).isEqualTo(RouteStatus.UNPLACED);

        table.apply(moved(3, null, "srv-c", T0.plusSeconds(2)), T0);
        assertThat(table.route(ROLE).serverId()).isEqualTo("srv-c");
        assertThat(table.route(ROLE).status()).isEqualTo(RouteStatus.MOVING);
    }

    @Test
    void shouldIgnoreRolesTheGatewayDoesNotServe() {
        RouteUpdate update = table.apply(new RoleAssignment(UUID.randomUUID(), T0, "reports", 1, "srv-a", A,
                MoveReason.INITIAL), T0);

        assertThat(update).isInstanceOf(RouteUpdate.Ignored.class);
        assertThat(((RouteUpdate.Ignored) update).suspicious()).isFalse();
        assertThat(table.route("reports")).isNull();
    }

    @Test
    void shouldNotDemoteARunningRouteForAStartingThatArrivesLate() {
        // The placement's assignment with the endpoint (role-assignments) overtook the agent's STARTING (role-events).
        table.apply(moved(2, "srv-a", "srv-b", T0), T0);
        table.apply(assignment(2, "srv-b", B, T0), T0);

        RouteUpdate late = table.apply(state("srv-b", 2, RoleState.STARTING, null), T0);

        assertThat(late).isInstanceOf(RouteUpdate.Unchanged.class);
        assertThat(table.route(ROLE).endpoint()).isEqualTo(B);
    }

    @Test
    void shouldReportARepeatedRunningAsUnchanged() {
        table.apply(assignment(1, "srv-a", A, T0), T0);

        assertThat(table.apply(state("srv-a", 1, RoleState.RUNNING, A), T0)).isInstanceOf(RouteUpdate.Unchanged.class);
        assertThat(table.apply(assignment(1, "srv-a", A, T0), T0)).isInstanceOf(RouteUpdate.Unchanged.class);
    }

    @Test
    void shouldFollowANewEndpointOfTheOwnerAtTheSameEpoch() {
        table.apply(assignment(1, "srv-a", A, T0), T0);
        Endpoint restarted = new Endpoint("10.0.0.1", 47002);

        RouteUpdate update = table.apply(state("srv-a", 1, RoleState.RUNNING, restarted), T0);

        assertThat(((RouteUpdate.Changed) update).moved()).isFalse();
        assertThat(table.route(ROLE).endpoint()).isEqualTo(restarted);
    }

    @Test
    void shouldKnowAMoveIsPlannedFromThePlacementsReasonOnly() {
        table.apply(assignment(1, "srv-a", A, T0), T0);
        assertThat(table.route(ROLE).plannedMove()).as("FAILOVER").isFalse();

        table.apply(new RoleMoved(UUID.randomUUID(), T0, ROLE, 2, "srv-a", "srv-b", MoveReason.MAINTENANCE,
                "srv-a in maintenance", null, T0), T0);
        assertThat(table.route(ROLE).plannedMove()).as("MAINTENANCE").isTrue();

        table.apply(state("srv-c", 3, RoleState.STARTING, null), T0);
        assertThat(table.route(ROLE).plannedMove()).as("an epoch learnt from the new host: no reason known").isFalse();
        table.apply(new RoleAssignment(UUID.randomUUID(), T0, ROLE, 3, "srv-c", null, MoveReason.MANUAL), T0);
        assertThat(table.route(ROLE).reason()).as("refined by the decision that follows").isEqualTo(MoveReason.MANUAL);
    }

    private static RoleAssignment assignment(long epoch, String server, Endpoint endpoint, Instant at) {
        return new RoleAssignment(UUID.randomUUID(), at, ROLE, epoch, server, endpoint, MoveReason.FAILOVER);
    }

    private static RoleMoved moved(long epoch, String from, String to, Instant at) {
        return new RoleMoved(UUID.randomUUID(), at, ROLE, epoch, from, to,
                from == null ? MoveReason.INITIAL : MoveReason.FAILOVER, "test", null, at);
    }

    private static RoleStateChanged state(String server, long epoch, RoleState state, Endpoint endpoint) {
        return new RoleStateChanged(UUID.randomUUID(), T0, ROLE, server, epoch, state, endpoint, null);
    }
}
