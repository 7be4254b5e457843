package dev.baton.placement.policy;

import static dev.baton.placement.policy.Cluster.abcUp;
import static dev.baton.placement.policy.Cluster.cluster;
import static dev.baton.placement.policy.PlacementPolicyTest.on;
import static dev.baton.placement.policy.PlacementPolicyTest.role;
import static dev.baton.placement.policy.PlacementPolicyTest.unplaced;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.MoveReason;
import dev.baton.events.RoleState;
import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.detector.SafetyBrake;
import dev.baton.placement.policy.RoleStatus.State;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoleStatusTest {
    private static final RoleConfig R1 = role("r1", "a", "b", "c");

    private static RoleStatus status(Cluster cluster, Assignment assignment) {
        return RoleStatus.of(R1, assignment, cluster.view(), null);
    }

    @Test
    void shouldBeRunningWhenTheHostReportsItRunningAtTheAssignedEpoch() {
        RoleStatus status = status(abcUp().reports("a", "r1", 2, RoleState.RUNNING), on("r1", 2, "a"));

        assertThat(status).isEqualTo(new RoleStatus(State.RUNNING, null));
        assertThat(status.serving()).isTrue();
    }

    @Test
    void shouldBeStartingWhileTheHostHasNotReportedTheAssignedEpoch() {
        assertThat(status(abcUp().reports("a", "r1", 1, RoleState.RUNNING), on("r1", 2, "a")))
                .isEqualTo(new RoleStatus(State.STARTING, "assigned to a at epoch 2; a has not reported it yet"));
    }

    @Test
    void shouldSayARoleStoppedByAFenceIsBeingGrantedAgain() {
        assertThat(status(abcUp().reports("a", "r1", 2, RoleState.STOPPED), on("r1", 2, "a")))
                .isEqualTo(new RoleStatus(State.STARTING,
                        "stopped on a by a fence (its lease ran out); being granted to it again"));
    }

    @Test
    void shouldBeFailedWhenTheHostReportsItFailed() {
        assertThat(status(abcUp().reports("a", "r1", 2, RoleState.FAILED), on("r1", 2, "a")))
                .isEqualTo(new RoleStatus(State.FAILED, "FAILED on a at epoch 2; the placement moves it"));
    }

    @Test
    void shouldBeFailedWhileItsHostIsDown() {
        RoleStatus status = status(abcUp().down("a"), on("r1", 2, "a"));

        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.reason()).isEqualTo("a is DOWN: " + Cluster.DOWN_CAUSE
                + "; the role moves as soon as another server is eligible");
    }

    @Test
    void shouldBeHeldWithTheHoldsCauseWhenTheRestartBudgetIsExhausted() {
        Hold hold = new Hold("r1", "a", 5, MoveReason.RESOURCE_FAILURE, "role FAILED on a at epoch 5; restart budget"
                + " exhausted: 3 resource-failure moves in the last 10 min (limit 3); it stays on a");

        RoleStatus status = RoleStatus.of(R1, on("r1", 5, "a"), abcUp().reports("a", "r1", 5, RoleState.FAILED).view(),
                hold);

        assertThat(status).isEqualTo(new RoleStatus(State.HELD, hold.cause()));
    }

    @Test
    void shouldBeHeldByTheSafetyBrakeWhileItsHostIsAmongTheSilentServers() {
        SafetyBrake.Engaged brake = new SafetyBrake.Engaged(Cluster.NOW, List.of("a", "b"), 3);
        ClusterView plain = abcUp().reports("a", "r1", 2, RoleState.RUNNING).view();
        ClusterView braked = new ClusterView(plain.evaluatedAt(), true, plain.horizon(), plain.servers(), brake);

        assertThat(RoleStatus.of(R1, on("r1", 2, "a"), braked, null))
                .isEqualTo(new RoleStatus(State.HELD, "safety brake: " + brake.describe()));
        assertThat(RoleStatus.of(role("r2", "c"), on("r2", 2, "c"), braked, null).state())
                .as("a role on a server still heard").isEqualTo(State.STARTING);
    }

    @Test
    void shouldSayEveryServerIsDownOrInMaintenanceWhenUnplacedForThatReason() {
        RoleStatus status = status(cluster().down("a", "b").maintenance("c"), unplaced("r1", 3));

        assertThat(status).isEqualTo(new RoleStatus(State.UNPLACED,
                "every server is down or in maintenance: a is DOWN, b is DOWN, c is in maintenance"));
    }

    @Test
    void shouldSayNoServerReachesTheDatabaseWhenUnplacedForThatReason() {
        RoleStatus status = status(abcUp().unreachable("a", "r1").unreachable("b", "r1").unreachable("c", "r1"),
                unplaced("r1", 3));

        assertThat(status.state()).isEqualTo(State.UNPLACED);
        assertThat(status.reason()).startsWith("no server reaches the database: a cannot reach the role's database");
    }

    @Test
    void shouldSayThePlacementIsStartingWhenItIsNotReadyYet() {
        assertThat(status(abcUp().notReady(), null).reason())
                .isEqualTo("the placement is starting: it decides once it has read heartbeats for a failure timeout");
    }

    @Test
    void shouldCountEveryRoleThatDoesNotServe() {
        ClusterView view = abcUp().reports("a", "r1", 2, RoleState.RUNNING).reports("b", "r2", 1, RoleState.FAILED)
                .view();
        List<RoleConfig> roles = List.of(R1, role("r2", "b", "a"), role("r3", "c"));
        Assignments assignments = Assignments.of(on("r1", 2, "a"), on("r2", 1, "b"), unplaced("r3", 1));

        assertThat(RoleStatus.notServing(roles, assignments, view, List.of())).isEqualTo(2);
    }
}
