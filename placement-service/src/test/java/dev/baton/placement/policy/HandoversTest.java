package dev.baton.placement.policy;

import static dev.baton.placement.policy.Cluster.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.GatewayHeartbeat;
import dev.baton.events.MoveReason;
import dev.baton.events.ProxyDrained;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleDraining;
import dev.baton.events.RoleState;
import dev.baton.placement.detector.ClusterView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HandoversTest {
    private static final Duration GATEWAY_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final long DRAIN_TIMEOUT_MS = 3000;

    private final Handovers handovers = new Handovers(new Handovers.Settings(GATEWAY_TIMEOUT, GRACE, STOP_TIMEOUT));
    /** r1 runs on a at epoch 4. */
    private final Assignments onA = Assignments.of(Assignment.placed("r1", 4, "a"));

    private static Move move(MoveReason reason, String from, String to, long epoch) {
        return new Move("r1", from, to, epoch, reason, from + " in maintenance", null);
    }

    private static Decision proposing(Assignments current, Move... moves) {
        Assignments next = current;
        for (Move move : moves) {
            next = next.with(List.of(Assignment.placed(move.roleId(), move.epoch(), move.to())));
        }
        return new Decision(NOW, List.of(moves), List.of(), List.of(), List.of(), next, null);
    }

    private static ClusterView aRuns() {
        return Cluster.cluster().maintenance("a").up("b").reports("a", "r1", 4, RoleState.RUNNING).view();
    }

    private void gatewayHeard(String gatewayId, Instant at) {
        handovers.on(new GatewayHeartbeat(UUID.randomUUID(), at, gatewayId, "inc-1", 1, DRAIN_TIMEOUT_MS), at);
    }

    private void drained(String gatewayId, long epoch) {
        handovers.on(new ProxyDrained(UUID.randomUUID(), NOW, "r1", gatewayId, epoch, 3, 1, 0, 40), NOW);
    }

    private Handovers.Round round(Decision proposed, Assignments current, ClusterView view, Instant now) {
        Handovers.Round round = handovers.round(proposed, current, view, now);
        handovers.committed(round);
        return round;
    }

    @Test
    void shouldCommitAPlannedMoveAtOnceWithTheOldHostAsHandoverFromWhenNoGatewayIsAlive() {
        Move move = move(MoveReason.MAINTENANCE, "a", "b", 5);

        Handovers.Round round = round(proposing(onA, move), onA, aRuns(), NOW);

        assertThat(round.drains()).isEmpty();
        assertThat(round.decision().moves()).containsExactly(move);
        RoleAssignment assignment = round.assignment(move, UUID.randomUUID(), NOW);
        assertThat(assignment.serverId()).isEqualTo("b");
        assertThat(assignment.epoch()).isEqualTo(5);
        assertThat(assignment.handoverFrom()).isEqualTo("a");
        assertThat(handovers.releasing()).containsEntry("r1", "a");
    }

    @Test
    void shouldDrainFirstAndHoldThePlannedMoveUntilEveryLiveGatewayReported() {
        gatewayHeard("gw-1", NOW.minusMillis(100));
        gatewayHeard("gw-2", NOW.minusMillis(300));
        Move move = move(MoveReason.FAILBACK, "a", "b", 5);

        Handovers.Round first = round(proposing(onA, move), onA, aRuns(), NOW);

        assertThat(first.decision().moves()).isEmpty();
        assertThat(first.decision().next().find("r1")).isEqualTo(onA.find("r1"));
        assertThat(first.drains()).singleElement().satisfies(drain -> {
            assertThat(drain.roleId()).isEqualTo("r1");
            assertThat(drain.epoch()).isEqualTo(4);
            assertThat(drain.from()).isEqualTo("a");
            assertThat(drain.to()).isEqualTo("b");
            assertThat(drain.reason()).isEqualTo(MoveReason.FAILBACK);
        });
        assertThat(handovers.draining()).containsEntry("r1", "a");

        drained("gw-1", 4);
        Instant later = NOW.plusMillis(200);
        gatewayHeard("gw-1", later);
        gatewayHeard("gw-2", later);
        Handovers.Round second = round(proposing(onA, move), onA, aRuns(), later);
        assertThat(second.decision().moves()).isEmpty();
        assertThat(second.drains()).as("a drain is asked for once").isEmpty();

        drained("gw-2", 4);
        Handovers.Round third = round(proposing(onA, move), onA, aRuns(), later.plusMillis(50));
        assertThat(third.decision().moves()).containsExactly(move);
        assertThat(third.decision().next().find("r1").serverId()).isEqualTo("b");
        assertThat(third.assignment(move, UUID.randomUUID(), NOW).handoverFrom()).isEqualTo("a");
        assertThat(handovers.draining()).isEmpty();
    }

    @Test
    void shouldNotCountAReportForAnotherEpoch() {
        gatewayHeard("gw-1", NOW);
        Move move = move(MoveReason.MAINTENANCE, "a", "b", 5);
        round(proposing(onA, move), onA, aRuns(), NOW);

        drained("gw-1", 3);
        gatewayHeard("gw-1", NOW.plusMillis(100));

        assertThat(round(proposing(onA, move), onA, aRuns(), NOW.plusMillis(100)).decision().moves()).isEmpty();
    }

    @Test
    void shouldCommitWhenTheDrainBoundPassesWithoutAReport() {
        gatewayHeard("gw-1", NOW);
        Move move = move(MoveReason.MAINTENANCE, "a", "b", 5);
        round(proposing(onA, move), onA, aRuns(), NOW);
        Instant bound = NOW.plusMillis(DRAIN_TIMEOUT_MS).plus(GRACE);

        for (Instant t = NOW.plusMillis(500); t.isBefore(bound); t = t.plusMillis(500)) {
            gatewayHeard("gw-1", t);
            assertThat(round(proposing(onA, move), onA, aRuns(), t).decision().moves()).as("at %s", t).isEmpty();
        }
        gatewayHeard("gw-1", bound);
        assertThat(round(proposing(onA, move), onA, aRuns(), bound).decision().moves()).containsExactly(move);
    }

    @Test
    void shouldNotWaitForAGatewayThatFellSilent() {
        gatewayHeard("gw-1", NOW);
        gatewayHeard("gw-2", NOW);
        Move move = move(MoveReason.MAINTENANCE, "a", "b", 5);
        round(proposing(onA, move), onA, aRuns(), NOW);

        drained("gw-1", 4);
        gatewayHeard("gw-1", NOW.plusSeconds(1));
        assertThat(round(proposing(onA, move), onA, aRuns(), NOW.plusSeconds(1)).decision().moves()).isEmpty();
        Instant later = NOW.plus(GATEWAY_TIMEOUT).plusMillis(100);
        gatewayHeard("gw-1", later);

        assertThat(round(proposing(onA, move), onA, aRuns(), later).decision().moves()).containsExactly(move);
    }

    @Test
    void shouldPassUnplannedMovesThroughAndEndTheDrain() {
        gatewayHeard("gw-1", NOW);
        round(proposing(onA, move(MoveReason.MAINTENANCE, "a", "b", 5)), onA, aRuns(), NOW);
        Move failover = new Move("r1", "a", "b", 5, MoveReason.FAILOVER, "a DOWN", NOW);
        ClusterView aDown = Cluster.cluster().down("a").up("b").reports("a", "r1", 4, RoleState.RUNNING).view();

        Handovers.Round round = round(proposing(onA, failover), onA, aDown, NOW.plusMillis(100));

        assertThat(round.decision().moves()).containsExactly(failover);
        assertThat(round.assignment(failover, UUID.randomUUID(), NOW).handoverFrom()).isNull();
        assertThat(handovers.draining()).isEmpty();
        assertThat(handovers.releasing()).isEmpty();
    }

    @Test
    void shouldNotDrainAPlannedMoveFromAHostThatNoLongerRunsTheRole() {
        gatewayHeard("gw-1", NOW);
        Move move = move(MoveReason.MAINTENANCE, "a", "b", 5);
        ClusterView aStopped = Cluster.cluster().maintenance("a").up("b").reports("a", "r1", 4, RoleState.FAILED)
                .view();

        Handovers.Round round = round(proposing(onA, move), onA, aStopped, NOW);

        assertThat(round.drains()).isEmpty();
        assertThat(round.decision().moves()).containsExactly(move);
        assertThat(round.assignment(move, UUID.randomUUID(), NOW).handoverFrom()).isNull();
    }

    @Test
    void shouldReleaseTheNewHostOnlyOnceTheOldHostNoLongerRunsTheRole() {
        Move move = move(MoveReason.MAINTENANCE, "a", "b", 5);
        Assignments onB = Assignments.of(Assignment.placed("r1", 5, "b"));
        round(proposing(onA, move), onA, aRuns(), NOW);

        ClusterView aStopping = Cluster.cluster().maintenance("a").up("b").reports("a", "r1", 4, RoleState.STOPPING)
                .view();
        Handovers.Round stopping = round(proposing(onB), onB, aStopping, NOW.plusMillis(100));
        assertThat(stopping.releases()).isEmpty();

        ClusterView aStopped = Cluster.cluster().maintenance("a").up("b").view();
        Handovers.Round stopped = round(proposing(onB), onB, aStopped, NOW.plusMillis(300));
        assertThat(stopped.releases()).singleElement().satisfies(release -> {
            assertThat(release.roleId()).isEqualTo("r1");
            assertThat(release.epoch()).isEqualTo(5);
            assertThat(release.serverId()).isEqualTo("b");
            assertThat(release.reason()).isEqualTo(MoveReason.MAINTENANCE);
            assertThat(release.handoverFrom()).isNull();
        });
        assertThat(handovers.releasing()).isEmpty();
        assertThat(round(proposing(onB), onB, aStopped, NOW.plusMillis(400)).releases()).as("released once").isEmpty();
    }

    @Test
    void shouldReleaseWhenTheOldHostIsDeclaredDown() {
        Assignments onB = Assignments.of(Assignment.placed("r1", 5, "b"));
        round(proposing(onA, move(MoveReason.MAINTENANCE, "a", "b", 5)), onA, aRuns(), NOW);

        ClusterView aDown = Cluster.cluster().down("a").up("b").reports("a", "r1", 4, RoleState.RUNNING).view();

        assertThat(round(proposing(onB), onB, aDown, NOW.plusSeconds(1)).releases()).hasSize(1);
    }

    @Test
    void shouldReleaseAfterTheStopTimeoutEvenIfTheOldHostStillReportsTheRole() {
        Assignments onB = Assignments.of(Assignment.placed("r1", 5, "b"));
        round(proposing(onA, move(MoveReason.MAINTENANCE, "a", "b", 5)), onA, aRuns(), NOW);

        assertThat(round(proposing(onB), onB, aRuns(), NOW.plus(STOP_TIMEOUT).minusMillis(1)).releases()).isEmpty();
        assertThat(round(proposing(onB), onB, aRuns(), NOW.plus(STOP_TIMEOUT)).releases()).hasSize(1);
    }

    @Test
    void shouldKeepHandoverFromOnAFailoverOfTheNewHostWhileTheOldOneStillStops() {
        Assignments onB = Assignments.of(Assignment.placed("r1", 5, "b"));
        round(proposing(onA, move(MoveReason.MAINTENANCE, "a", "b", 5)), onA, aRuns(), NOW);
        Move failover = new Move("r1", "b", "c", 6, MoveReason.FAILOVER, "b DOWN", NOW);
        ClusterView bDown = Cluster.cluster().maintenance("a").down("b").up("c")
                .reports("a", "r1", 4, RoleState.STOPPING).view();

        Handovers.Round round = round(proposing(onB, failover), onB, bDown, NOW.plusMillis(200));

        assertThat(round.decision().moves()).containsExactly(failover);
        assertThat(round.assignment(failover, UUID.randomUUID(), NOW).handoverFrom()).isEqualTo("a");
        Assignments onC = Assignments.of(Assignment.placed("r1", 6, "c"));
        ClusterView aGone = Cluster.cluster().maintenance("a").down("b").up("c").view();
        assertThat(round(proposing(onC), onC, aGone, NOW.plusMillis(400)).releases())
                .singleElement().satisfies(release -> {
                    assertThat(release.serverId()).isEqualTo("c");
                    assertThat(release.epoch()).isEqualTo(6);
                });
    }

    @Test
    void shouldEndAStartedDrainInItsMoveWhenThePolicyNoLongerAsksForIt() {
        gatewayHeard("gw-1", NOW);
        Move manual = move(MoveReason.MANUAL, "a", "b", 5);
        round(proposing(onA, manual), onA, aRuns(), NOW);

        assertThat(round(proposing(onA), onA, aRuns(), NOW.plusMillis(50)).decision().moves()).isEmpty();
        drained("gw-1", 4);
        gatewayHeard("gw-1", NOW.plusMillis(100));
        Handovers.Round round = round(proposing(onA), onA, aRuns(), NOW.plusMillis(100));

        assertThat(round.decision().moves()).containsExactly(manual);
        assertThat(round.decision().next().find("r1").serverId()).isEqualTo("b");
        assertThat(round.decision().next().find("r1").epoch()).isEqualTo(5);
        assertThat(round.assignment(manual, UUID.randomUUID(), NOW).handoverFrom()).isEqualTo("a");
    }

    @Test
    void shouldDropADrainWhenTheRoleWasAssignedOtherwiseMeanwhile() {
        gatewayHeard("gw-1", NOW);
        round(proposing(onA, move(MoveReason.MANUAL, "a", "b", 5)), onA, aRuns(), NOW);
        Assignments unplaced = Assignments.of(Assignment.unplaced("r1", 5));

        Handovers.Round round = round(proposing(unplaced), unplaced, aRuns(), NOW.plusMillis(50));

        assertThat(round.decision().moves()).isEmpty();
        assertThat(handovers.draining()).isEmpty();
    }

    @Test
    void shouldDecideTheSameRoundAgainWhenItsEventsWereNotPublished() {
        gatewayHeard("gw-1", NOW);
        Move move = move(MoveReason.MAINTENANCE, "a", "b", 5);

        Handovers.Round lost = handovers.round(proposing(onA, move), onA, aRuns(), NOW);
        Handovers.Round again = handovers.round(proposing(onA, move), onA, aRuns(), NOW.plusMillis(50));

        assertThat(lost.drains()).hasSize(1);
        assertThat(again.drains()).as("nothing was applied, so the drain is asked for again").hasSize(1);
        assertThat(handovers.draining()).isEmpty();
    }

    @Test
    void shouldLetANewLeaderCompleteAHandoverItReadAsAStandby() {
        handovers.onLeadersAssignment(new RoleAssignment(UUID.randomUUID(), NOW, "r1", 5, "b", null,
                MoveReason.MAINTENANCE, "a"));
        Assignments onB = Assignments.of(Assignment.placed("r1", 5, "b"));
        assertThat(handovers.releasing()).containsEntry("r1", "a");

        assertThat(round(proposing(onB), onB, aRuns(), NOW.plusMillis(50)).releases()).isEmpty();
        ClusterView aStopped = Cluster.cluster().maintenance("a").up("b").view();
        assertThat(round(proposing(onB), onB, aStopped, NOW.plusMillis(100)).releases()).hasSize(1);
    }

    @Test
    void shouldForgetAHandoverTheLeaderCompletedWhileThisInstanceStoodBy() {
        handovers.onLeadersAssignment(new RoleAssignment(UUID.randomUUID(), NOW, "r1", 5, "b", null,
                MoveReason.MAINTENANCE, "a"));
        handovers.onLeadersAssignment(new RoleAssignment(UUID.randomUUID(), NOW, "r1", 5, "b", null,
                MoveReason.MAINTENANCE));

        assertThat(handovers.releasing()).isEmpty();
    }

    @Test
    void shouldForgetDrainsBegunBeforeAPauseInLeading() {
        gatewayHeard("gw-1", NOW);
        Move move = move(MoveReason.MAINTENANCE, "a", "b", 5);
        round(proposing(onA, move), onA, aRuns(), NOW);

        Instant muchLater = NOW.plus(GATEWAY_TIMEOUT).plusSeconds(10);
        gatewayHeard("gw-1", muchLater);
        Handovers.Round round = round(proposing(onA, move), onA, aRuns(), muchLater);

        assertThat(round.decision().moves()).as("not committed on an old drain's bound").isEmpty();
        assertThat(round.drains()).extracting(RoleDraining::epoch).containsExactly(4L);
    }
}
