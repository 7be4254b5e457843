package dev.baton.placement.policy;

import static dev.baton.placement.policy.Cluster.DOWN_SINCE;
import static dev.baton.placement.policy.Cluster.NOW;
import static dev.baton.placement.policy.Cluster.abcUp;
import static dev.baton.placement.policy.Cluster.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.events.DatabaseRef;
import dev.baton.events.FailbackWindow;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleUnplaced;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlacementPolicyTest {
    private static final Duration DELAY = Duration.ofSeconds(30);
    private static final DatabaseRef DB = new DatabaseRef("DBHOST\\SQLEXPRESS", "dbhost.corp.example", 1433);

    private final PlacementPolicy policy = new PlacementPolicy(PolicyConfig.defaults());

    // --- fixtures ---------------------------------------------------------------------------------------------

    static RoleConfig role(String id, String... servers) {
        return new RoleConfig(id, List.of(servers), false, DELAY, DB);
    }

    static RoleConfig forced(String id, String... servers) {
        return new RoleConfig(id, List.of(servers), true, DELAY, DB);
    }

    static Assignment on(String role, long epoch, String server, ResourceFailure... failures) {
        return new Assignment(role, epoch, server, List.of(failures));
    }

    static Assignment unplaced(String role, long epoch) {
        return Assignment.unplaced(role, epoch);
    }

    static ResourceFailure failedOn(String server, Duration ago) {
        return new ResourceFailure(server, NOW.minus(ago));
    }

    static ManualMove manual(String role, String to) {
        return new ManualMove(role, to, "alice");
    }

    /** One row of the table: the input of a round and the expected decision, rendered. */
    static final class Case {
        final Cluster cluster;
        final List<RoleConfig> roles = new ArrayList<>();
        final List<Assignment> assignments = new ArrayList<>();
        final List<ManualMove> manual = new ArrayList<>();
        List<String> expected = List.of();

        Case(Cluster cluster) {
            this.cluster = cluster;
        }

        Case roles(RoleConfig... roles) {
            this.roles.addAll(List.of(roles));
            return this;
        }

        Case assigned(Assignment... assignments) {
            this.assignments.addAll(List.of(assignments));
            return this;
        }

        Case manual(ManualMove... requests) {
            this.manual.addAll(List.of(requests));
            return this;
        }

        Case expect(String... lines) {
            this.expected = List.of(lines);
            return this;
        }
    }

    static Case given(Cluster cluster) {
        return new Case(cluster);
    }

    static Arguments row(String name, Case c) {
        return Arguments.of(Named.of(name, c));
    }

    static List<String> render(Decision decision) {
        List<String> lines = new ArrayList<>();
        for (Move move : decision.moves()) {
            lines.add("MOVE " + move.roleId() + " from " + (move.from() == null ? "-" : move.from()) + " to "
                    + move.to() + " epoch " + move.epoch() + " " + move.reason());
        }
        for (Unplacement unplacement : decision.unplaced()) {
            lines.add("UNPLACED " + unplacement.roleId() + " from "
                    + (unplacement.from() == null ? "-" : unplacement.from()) + " epoch "
                    + unplacement.previousEpoch() + "->" + unplacement.epoch() + " " + unplacement.reason());
        }
        for (Hold hold : decision.held()) {
            lines.add("HOLD " + hold.roleId() + " on " + hold.serverId() + " " + hold.wanted());
        }
        for (Rejection rejection : decision.rejected()) {
            lines.add("REJECT " + rejection.request().roleId() + " to " + rejection.request().to() + ": "
                    + rejection.reason());
        }
        return lines;
    }

    private Decision decide(Case c) {
        return policy.decide(c.roles, c.cluster.view(), Assignments.of(c.assignments), c.manual, NOW);
    }

    // --- the rules, one row each ------------------------------------------------------------------------------

    static Stream<Arguments> rules() {
        return Stream.of(
                // first placement
                row("shouldPlaceNewRoleOnFirstServerOfItsList",
                        given(abcUp()).roles(role("r1", "a", "b", "c"))
                                .expect("MOVE r1 from - to a epoch 1 INITIAL")),
                row("shouldPlaceNewRoleOnNextServerWhenFirstIsDown",
                        given(abcUp().down("a")).roles(role("r1", "a", "b", "c"))
                                .expect("MOVE r1 from - to b epoch 1 INITIAL")),
                row("shouldNotPlaceNewRoleOnServerThatCannotReachItsDatabase",
                        given(abcUp().unreachable("a", "r1")).roles(role("r1", "a", "b", "c"))
                                .expect("MOVE r1 from - to b epoch 1 INITIAL")),
                row("shouldTreatUnreportedDatabaseReachabilityAsReachable",
                        given(abcUp().unreachable("a", "r9")).roles(role("r1", "a", "b", "c"))
                                .expect("MOVE r1 from - to a epoch 1 INITIAL")),
                row("shouldNotPlaceNewRoleOnServerTheDetectorNeverSaw",
                        given(cluster().up("b", "c")).roles(role("r1", "a", "b", "c"))
                                .expect("MOVE r1 from - to b epoch 1 INITIAL")),
                row("shouldNotPlaceNewRoleOnServerInMaintenance",
                        given(abcUp().maintenance("a")).roles(role("r1", "a", "b", "c"))
                                .expect("MOVE r1 from - to b epoch 1 INITIAL")),
                row("shouldPlaceNewRoleOnFlappingServerWhenItIsFirstEligible",
                        given(abcUp().flapping("a")).roles(role("r1", "a", "b", "c"))
                                .expect("MOVE r1 from - to a epoch 1 INITIAL")),
                // unplaced
                row("shouldAnnounceNewRoleUnplacedWhenNoServerIsEligible",
                        given(cluster().down("a").maintenance("b")).roles(role("r1", "a", "b", "c"))
                                .expect("UNPLACED r1 from - epoch 0->0 INITIAL")),
                row("shouldAnnounceNewRoleWithoutServersUnplaced",
                        given(abcUp()).roles(role("r1"))
                                .expect("UNPLACED r1 from - epoch 0->0 INITIAL")),
                row("shouldNotAnnounceAnUnplacedRoleAgain",
                        given(cluster().down("a").maintenance("b")).roles(role("r1", "a", "b", "c"))
                                .assigned(unplaced("r1", 0))
                                .expect()),
                row("shouldNotAnnounceAnUnplacedRoleThatRanBeforeAgain",
                        given(cluster().down("a", "b", "c")).roles(role("r1", "a", "b", "c"))
                                .assigned(unplaced("r1", 4))
                                .expect()),
                row("shouldPlaceUnplacedRoleAsInitialWhenItNeverRan",
                        given(abcUp().down("a")).roles(role("r1", "a", "b", "c")).assigned(unplaced("r1", 0))
                                .expect("MOVE r1 from - to b epoch 1 INITIAL")),
                row("shouldPlaceUnplacedRoleAsFailoverWhenItRanBefore",
                        given(abcUp()).roles(role("r1", "a", "b", "c")).assigned(unplaced("r1", 4))
                                .expect("MOVE r1 from - to a epoch 5 FAILOVER")),
                // sticky and failover
                row("shouldKeepRoleOnItsHostWhileItIsEligible",
                        given(abcUp()).roles(role("r1", "a", "b", "c")).assigned(on("r1", 3, "b"))
                                .expect()),
                row("shouldMoveRoleToNextServerWhenPrimaryStopsBeating",
                        given(abcUp().down("a")).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .expect("MOVE r1 from a to b epoch 2 FAILOVER")),
                row("shouldSkipDownServersWhenFailingOver",
                        given(abcUp().down("a", "b")).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .expect("MOVE r1 from a to c epoch 2 FAILOVER")),
                row("shouldFailOverToAHigherServerWhenTheHostFails",
                        given(abcUp().down("c")).roles(role("r1", "a", "b", "c")).assigned(on("r1", 7, "c"))
                                .expect("MOVE r1 from c to a epoch 8 FAILOVER")),
                row("shouldUnplaceRoleWhenItsHostIsDownAndNoOtherServerIsEligible",
                        given(cluster().down("a", "b", "c")).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 1, "a"))
                                .expect("UNPLACED r1 from a epoch 1->2 FAILOVER")),
                row("shouldFailOverWhenTheHostCannotReachTheDatabase",
                        given(abcUp().unreachable("a", "r1")).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 1, "a"))
                                .expect("MOVE r1 from a to b epoch 2 FAILOVER")),
                row("shouldFailOverFromAHostTheDetectorNeverSaw",
                        given(cluster().up("b", "c")).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .expect("MOVE r1 from a to b epoch 2 FAILOVER")),
                row("shouldMoveRoleOffAServerRemovedFromItsList",
                        given(abcUp()).roles(role("r1", "b", "c")).assigned(on("r1", 1, "a"))
                                .expect("MOVE r1 from a to b epoch 2 MANUAL")),
                // maintenance
                row("shouldLeaveAServerInMaintenanceByAPlannedMove",
                        given(abcUp().maintenance("a")).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 1, "a"))
                                .expect("MOVE r1 from a to b epoch 2 MAINTENANCE")),
                row("shouldUnplaceRoleWhenItsHostEntersMaintenanceAndNoOtherServerIsEligible",
                        given(abcUp().maintenance("a").down("b")).roles(role("r1", "a", "b"))
                                .assigned(on("r1", 1, "a"))
                                .expect("UNPLACED r1 from a epoch 1->2 MAINTENANCE")),
                // failback
                row("shouldFailBackWhenAHigherServerWasUpForTheDelay",
                        given(abcUp().upFor("a", Duration.ofSeconds(31))).roles(forced("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "b"))
                                .expect("MOVE r1 from b to a epoch 3 FAILBACK")),
                row("shouldFailBackWhenAHigherServerWasUpForExactlyTheDelay",
                        given(abcUp().upFor("a", DELAY)).roles(forced("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "b"))
                                .expect("MOVE r1 from b to a epoch 3 FAILBACK")),
                row("shouldNotFailBackBeforeTheDelay",
                        given(abcUp().upFor("a", Duration.ofSeconds(29))).roles(forced("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "b"))
                                .expect()),
                row("shouldNotFailBackWithoutForceHighestPriority",
                        given(abcUp()).roles(role("r1", "a", "b", "c")).assigned(on("r1", 2, "b"))
                                .expect()),
                row("shouldNotFailBackToAFlappingServer",
                        given(abcUp().flapping("a").down("b")).roles(forced("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "c"))
                                .expect()),
                row("shouldFailBackToTheNextStableServerWhenTheHighestFlaps",
                        given(abcUp().flapping("a")).roles(forced("r1", "a", "b", "c")).assigned(on("r1", 2, "c"))
                                .expect("MOVE r1 from c to b epoch 3 FAILBACK")),
                row("shouldWaitForTheHighestServerRatherThanMoveTwice",
                        given(abcUp().upFor("a", Duration.ofSeconds(10))).roles(forced("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "c"))
                                .expect()),
                row("shouldNotFailBackToAServerWhereTheRoleFailedRecently",
                        given(abcUp()).roles(forced("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "b", failedOn("a", Duration.ofMinutes(1))))
                                .expect()),
                row("shouldFailBackToAServerWhoseFailureLeftTheWindow",
                        given(abcUp()).roles(forced("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "b", failedOn("a", Duration.ofMinutes(11))))
                                .expect("MOVE r1 from b to a epoch 3 FAILBACK")),
                row("shouldNotFailBackToAServerThatCannotReachTheDatabase",
                        given(abcUp().unreachable("a", "r1")).roles(forced("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "b"))
                                .expect()),
                row("shouldNotFailBackToAServerInMaintenance",
                        given(abcUp().maintenance("a")).roles(forced("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "b"))
                                .expect()),
                row("shouldStayOnTheHighestServer",
                        given(abcUp()).roles(forced("r1", "a", "b", "c")).assigned(on("r1", 2, "a"))
                                .expect()),
                // resource failure
                row("shouldMoveARoleItsHostReportsFailed",
                        given(abcUp().reports("a", "r1", 2, RoleState.FAILED)).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "a"))
                                .expect("MOVE r1 from a to b epoch 3 RESOURCE_FAILURE")),
                row("shouldMoveAFailedRoleToTheHighestOtherServer",
                        given(abcUp().reports("b", "r1", 2, RoleState.FAILED)).roles(forced("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "b"))
                                .expect("MOVE r1 from b to a epoch 3 RESOURCE_FAILURE")),
                row("shouldIgnoreAFailedReportOfAnOlderEpoch",
                        given(abcUp().reports("a", "r1", 1, RoleState.FAILED)).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "a"))
                                .expect()),
                row("shouldIgnoreAFailedReportFromAServerThatDoesNotHostTheRole",
                        given(abcUp().reports("b", "r1", 2, RoleState.FAILED)).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "a"))
                                .expect()),
                row("shouldHoldAFailedRoleWhenItsRestartBudgetIsExhausted",
                        given(abcUp().reports("a", "r1", 5, RoleState.FAILED)).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 5, "a", failedOn("a", Duration.ofMinutes(9)),
                                        failedOn("b", Duration.ofMinutes(5)), failedOn("c", Duration.ofMinutes(1))))
                                .expect("HOLD r1 on a RESOURCE_FAILURE")),
                row("shouldMoveAFailedRoleAgainOnceOldFailuresLeaveTheWindow",
                        given(abcUp().reports("a", "r1", 5, RoleState.FAILED)).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 5, "a", failedOn("a", Duration.ofMinutes(11)),
                                        failedOn("b", Duration.ofMinutes(5)), failedOn("c", Duration.ofMinutes(1))))
                                .expect("MOVE r1 from a to b epoch 6 RESOURCE_FAILURE")),
                row("shouldHoldAFailedRoleWhenNoOtherServerIsEligible",
                        given(abcUp().down("b", "c").reports("a", "r1", 2, RoleState.FAILED))
                                .roles(role("r1", "a", "b", "c")).assigned(on("r1", 2, "a"))
                                .expect("HOLD r1 on a RESOURCE_FAILURE")),
                row("shouldFailOverRatherThanCountAResourceFailureWhenTheHostIsDown",
                        given(abcUp().down("a").reports("a", "r1", 2, RoleState.FAILED))
                                .roles(role("r1", "a", "b", "c")).assigned(on("r1", 2, "a"))
                                .expect("MOVE r1 from a to b epoch 3 FAILOVER")),
                // resume after a fence
                row("shouldGrantAFencedRoleToItsHostAgainAtTheNextEpoch",
                        given(abcUp().reports("a", "r1", 2, RoleState.STOPPED)).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "a"))
                                .expect("MOVE r1 from a to a epoch 3 RESUME")),
                row("shouldResumeAFencedRoleEvenWhenItsRestartBudgetIsExhausted",
                        given(abcUp().reports("a", "r1", 5, RoleState.STOPPED)).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 5, "a", failedOn("a", Duration.ofMinutes(9)),
                                        failedOn("b", Duration.ofMinutes(5)), failedOn("c", Duration.ofMinutes(1))))
                                .expect("MOVE r1 from a to a epoch 6 RESUME")),
                row("shouldFailOverAFencedRoleWhoseHostWasDeclaredDown",
                        given(abcUp().down("a").reports("a", "r1", 2, RoleState.STOPPED))
                                .roles(role("r1", "a", "b", "c")).assigned(on("r1", 2, "a"))
                                .expect("MOVE r1 from a to b epoch 3 FAILOVER")),
                row("shouldIgnoreAStoppedReportOfAnOlderEpoch",
                        given(abcUp().reports("a", "r1", 1, RoleState.STOPPED)).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "a"))
                                .expect()),
                row("shouldNotMoveARoleItsHostReportsRunning",
                        given(abcUp().reports("a", "r1", 2, RoleState.RUNNING)).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 2, "a"))
                                .expect()),
                // manual
                row("shouldMoveARoleWhereTheOperatorAsks",
                        given(abcUp()).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .manual(manual("r1", "c"))
                                .expect("MOVE r1 from a to c epoch 2 MANUAL")),
                row("shouldPlaceANewRoleWhereTheOperatorAsks",
                        given(abcUp()).roles(role("r1", "a", "b", "c")).manual(manual("r1", "b"))
                                .expect("MOVE r1 from - to b epoch 1 MANUAL")),
                row("shouldLetAManualMoveWinOverAFailover",
                        given(abcUp().down("a")).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .manual(manual("r1", "c"))
                                .expect("MOVE r1 from a to c epoch 2 MANUAL")),
                row("shouldMoveAFailedRoleWhereTheOperatorAsksDespiteAnExhaustedBudget",
                        given(abcUp().reports("a", "r1", 5, RoleState.FAILED)).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 5, "a", failedOn("a", Duration.ofMinutes(9)),
                                        failedOn("b", Duration.ofMinutes(5)), failedOn("c", Duration.ofMinutes(1))))
                                .manual(manual("r1", "c"))
                                .expect("MOVE r1 from a to c epoch 6 MANUAL")),
                row("shouldRejectAManualMoveToAServerOutsideTheRolesList",
                        given(abcUp().up("d")).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .manual(manual("r1", "d"))
                                .expect("REJECT r1 to d: d is not in the server list of role r1 [a, b, c]")),
                row("shouldRejectAManualMoveToADownServer",
                        given(abcUp().down("c")).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .manual(manual("r1", "c"))
                                .expect("REJECT r1 to c: c is DOWN: it cannot run role r1")),
                row("shouldRejectAManualMoveToAServerInMaintenance",
                        given(abcUp().maintenance("c")).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .manual(manual("r1", "c"))
                                .expect("REJECT r1 to c: c is in maintenance: it cannot run role r1")),
                row("shouldRejectAManualMoveToAServerThatCannotReachTheDatabase",
                        given(abcUp().unreachable("c", "r1")).roles(role("r1", "a", "b", "c"))
                                .assigned(on("r1", 1, "a")).manual(manual("r1", "c"))
                                .expect("REJECT r1 to c: c cannot reach the role's database: it cannot run role r1")),
                row("shouldRejectAManualMoveToTheCurrentHost",
                        given(abcUp()).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .manual(manual("r1", "a"))
                                .expect("REJECT r1 to a: role r1 already runs on a")),
                row("shouldRejectAManualMoveOfAnUnknownRole",
                        given(abcUp()).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .manual(manual("r2", "b"))
                                .expect("REJECT r2 to b: role r2 is not configured")),
                row("shouldRejectAManualMoveThatAFailbackWouldUndo",
                        given(abcUp()).roles(forced("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .manual(manual("r1", "b"))
                                .expect("REJECT r1 to b: role r1 forces its highest-priority server: a move to b "
                                        + "would be undone by a failback to a; put a in maintenance instead")),
                row("shouldAcceptAManualMoveBelowAFlappingHigherServer",
                        given(abcUp().flapping("a")).roles(forced("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .manual(manual("r1", "b"))
                                .expect("MOVE r1 from a to b epoch 2 MANUAL")),
                row("shouldRejectASecondManualMoveOfTheSameRoleInOneRound",
                        given(abcUp()).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .manual(manual("r1", "c"), manual("r1", "b"))
                                .expect("MOVE r1 from a to c epoch 2 MANUAL",
                                        "REJECT r1 to b: another manual move of role r1 is being decided; retry")),
                row("shouldFailOverAnywayWhenTheManualTargetIsRejected",
                        given(abcUp().down("a")).roles(role("r1", "a", "b", "c")).assigned(on("r1", 1, "a"))
                                .manual(manual("r1", "d"))
                                .expect("MOVE r1 from a to b epoch 2 FAILOVER",
                                        "REJECT r1 to d: d is not in the server list of role r1 [a, b, c]")),
                // readiness and combinations
                row("shouldDecideNothingBeforeTheDetectorIsReady",
                        given(cluster().up("b").notReady()).roles(role("r1", "a", "b"), role("r2", "b"))
                                .assigned(on("r1", 1, "a")).manual(manual("r1", "b"))
                                .expect("REJECT r1 to b: the placement is starting: retry in a second")),
                row("shouldDecideEveryRoleOnItsOwnInRoleIdOrder",
                        given(abcUp().down("a")).roles(role("r3", "c", "a"), role("r2", "a", "b"), role("r1", "b", "a"),
                                        role("r4", "a"))
                                .assigned(on("r1", 1, "b"), on("r2", 5, "a"), on("r4", 2, "a"))
                                .expect("MOVE r2 from a to b epoch 6 FAILOVER", "MOVE r3 from - to c epoch 1 INITIAL",
                                        "UNPLACED r4 from a epoch 2->3 FAILOVER")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void shouldDecide(Case c) {
        assertThat(render(decide(c))).containsExactlyElementsOf(c.expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void shouldDecideNothingMoreOnceTheDecisionIsApplied(Case c) {
        Decision first = decide(c);

        Decision second = policy.decide(c.roles, c.cluster.view(), first.next(), NOW);

        assertThat(second.moves()).isEmpty();
        assertThat(second.unplaced()).isEmpty();
        assertThat(second.next()).isSameAs(first.next());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void shouldBeDeterministic(Case c) {
        assertThat(decide(c)).isEqualTo(decide(c));
    }

    // --- causes, times and memory ----------------------------------------------------------------------------

    @Test
    void shouldSayWhyAndWhenTheHostFailed() {
        Decision decision = policy.decide(List.of(role("r1", "a", "b", "c")), abcUp().down("a", "b").view(),
                Assignments.of(on("r1", 1, "a")), NOW);

        Move move = decision.moves().get(0);
        assertThat(move.cause()).isEqualTo("a DOWN: no heartbeat for 812 ms (timeout 700 ms); skipped: b is DOWN");
        assertThat(move.detectedAt()).isEqualTo(DOWN_SINCE);
    }

    @Test
    void shouldSayWhyNoServerIsEligible() {
        Decision decision = policy.decide(List.of(role("r1", "a", "b", "c")),
                cluster().down("a").maintenance("b").view(), Assignments.of(on("r1", 1, "a")), NOW);

        Unplacement unplacement = decision.unplaced().get(0);
        assertThat(unplacement.cause()).isEqualTo("a DOWN: no heartbeat for 812 ms (timeout 700 ms); "
                + "no other eligible server: b is in maintenance, c has sent no heartbeat");
        assertThat(unplacement.detectedAt()).isEqualTo(DOWN_SINCE);
        assertThat(decision.next().find("r1")).isEqualTo(Assignment.unplaced("r1", 2));
    }

    @Test
    void shouldSayWhyAFailedRoleIsHeld() {
        Decision decision = policy.decide(List.of(role("r1", "a", "b")),
                abcUp().reports("a", "r1", 5, RoleState.FAILED).view(),
                Assignments.of(on("r1", 5, "a", failedOn("a", Duration.ofMinutes(9)),
                        failedOn("b", Duration.ofMinutes(5)), failedOn("a", Duration.ofMinutes(1)))),
                NOW);

        assertThat(decision.held()).containsExactly(new Hold("r1", "a", 5, MoveReason.RESOURCE_FAILURE,
                "role FAILED on a at epoch 5; restart budget exhausted: 3 resource-failure moves in the last "
                        + "10 min (limit 3); it stays on a"));
        assertThat(decision.next().find("r1")).as("a hold changes nothing").isEqualTo(on("r1", 5, "a",
                failedOn("a", Duration.ofMinutes(9)), failedOn("b", Duration.ofMinutes(5)),
                failedOn("a", Duration.ofMinutes(1))));
    }

    @Test
    void shouldRememberResourceFailuresAndForgetThoseOutsideTheWindow() {
        Decision decision = policy.decide(List.of(role("r1", "a", "b", "c")),
                abcUp().reports("a", "r1", 5, RoleState.FAILED).view(),
                Assignments.of(on("r1", 5, "a", failedOn("c", Duration.ofMinutes(20)),
                        failedOn("b", Duration.ofMinutes(5)))),
                NOW);

        Move move = decision.moves().get(0);
        assertThat(move.cause()).isEqualTo("role FAILED on a at epoch 5");
        assertThat(move.detectedAt()).as("when the FAILED state was first reported").isEqualTo(NOW.minusMillis(200));
        assertThat(decision.next().find("r1")).isEqualTo(on("r1", 6, "b",
                failedOn("b", Duration.ofMinutes(5)), new ResourceFailure("a", NOW)));
    }

    @Test
    void shouldSayHowLongTheFailbackTargetHasBeenUp() {
        Decision decision = policy.decide(List.of(forced("r1", "a", "b")),
                abcUp().upFor("a", Duration.ofSeconds(45)).view(), Assignments.of(on("r1", 2, "b")), NOW);

        Move move = decision.moves().get(0);
        assertThat(move.cause()).isEqualTo("a has been UP for 45 s (failback delay 30 s)");
        assertThat(move.detectedAt()).isNull();
    }

    @Test
    void shouldSayWhoAskedForAManualMove() {
        Decision decision = policy.decide(List.of(role("r1", "a", "b")), abcUp().view(),
                Assignments.of(on("r1", 2, "a")), List.of(manual("r1", "b")), NOW);

        assertThat(decision.moves().get(0).cause()).isEqualTo("requested by alice");
    }

    @Test
    void shouldUnplaceADeletedRoleOnceSoItsHostStopsIt() {
        Assignments assignments = Assignments.of(on("gone", 3, "a"), on("r1", 1, "a"));

        Decision decision = policy.decide(List.of(role("r1", "a", "b")), abcUp().down("a").view(), assignments, NOW);

        assertThat(decision.unplaced()).singleElement().satisfies(unplacement -> {
            assertThat(unplacement.roleId()).isEqualTo("gone");
            assertThat(unplacement.from()).isEqualTo("a");
            assertThat(unplacement.epoch()).isEqualTo(4);
            assertThat(unplacement.reason()).isEqualTo(MoveReason.MANUAL);
            assertThat(unplacement.cause()).isEqualTo("role gone was deleted from the configuration; a stops it");
        });
        assertThat(decision.next().find("gone")).isEqualTo(unplaced("gone", 4));
        assertThat(decision.next().find("r1")).isEqualTo(on("r1", 2, "b"));

        Decision again = policy.decide(List.of(role("r1", "a", "b")), abcUp().down("a").view(), decision.next(), NOW);
        assertThat(again.unplaced()).as("announced once").isEmpty();
    }

    @Test
    void shouldContinueTheEpochsOfARoleCreatedAgainUnderTheSameId() {
        Decision decision = policy.decide(List.of(role("gone", "b")), abcUp().view(),
                Assignments.of(unplaced("gone", 4)), NOW);

        assertThat(decision.next().find("gone")).isEqualTo(on("gone", 5, "b"));
    }

    @Test
    void shouldFailBackOnlyInsideTheFailbackWindow() {
        // NOW is 12:00 UTC.
        RoleConfig nightOnly = new RoleConfig("r1", List.of("a", "b"), true, DELAY, DB, new FailbackWindow(22, 6));
        RoleConfig middayOnly = new RoleConfig("r1", List.of("a", "b"), true, DELAY, DB, new FailbackWindow(11, 13));
        Assignments onB = Assignments.of(on("r1", 2, "b"));

        assertThat(policy.decide(List.of(nightOnly), abcUp().view(), onB, NOW).moves())
                .as("outside 22:00-06:00 the role stays").isEmpty();
        assertThat(policy.decide(List.of(nightOnly), abcUp().view(), onB, Instant.parse("2025-01-01T23:30:00Z"))
                .moves()).singleElement().satisfies(move -> assertThat(move.reason()).isEqualTo(MoveReason.FAILBACK));
        assertThat(policy.decide(List.of(nightOnly), abcUp().view(), onB, Instant.parse("2025-01-02T05:59:59Z"))
                .moves()).as("the window spans midnight").hasSize(1);
        assertThat(policy.decide(List.of(nightOnly), abcUp().view(), onB, Instant.parse("2025-01-02T06:00:00Z"))
                .moves()).as("the end hour is excluded").isEmpty();
        assertThat(policy.decide(List.of(middayOnly), abcUp().view(), onB, NOW).moves()).hasSize(1);
    }

    @Test
    void shouldStillFailOverOutsideTheFailbackWindow() {
        RoleConfig nightOnly = new RoleConfig("r1", List.of("a", "b"), true, DELAY, DB, new FailbackWindow(22, 6));

        Decision decision = policy.decide(List.of(nightOnly), abcUp().down("a").view(),
                Assignments.of(on("r1", 2, "a")), NOW);

        assertThat(decision.moves()).singleElement()
                .satisfies(move -> assertThat(move.reason()).isEqualTo(MoveReason.FAILOVER));
    }

    @Test
    void shouldReturnTheSameAssignmentsWhenNothingChanges() {
        Assignments assignments = Assignments.of(on("r1", 1, "a"));

        Decision decision = policy.decide(List.of(role("r1", "a", "b")), abcUp().view(), assignments, NOW);

        assertThat(decision.isEmpty()).isTrue();
        assertThat(decision.next()).isSameAs(assignments);
        assertThat(decision.deferredBecause()).isNull();
    }

    @Test
    void shouldRejectARoleConfiguredTwice() {
        assertThatThrownBy(() -> policy.decide(List.of(role("r1", "a"), role("r1", "b")), abcUp().view(),
                Assignments.empty(), NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("role r1 is configured twice");
    }

    @Test
    void shouldExplainWhyNothingWasDecidedBeforeTheDetectorIsReady() {
        Decision decision = policy.decide(List.of(role("r1", "a")), cluster().notReady().view(),
                Assignments.empty(), NOW);

        assertThat(decision.deferredBecause())
                .isEqualTo("the failure detector is not ready: it is still reading heartbeats");
    }

    // --- event mapping ----------------------------------------------------------------------------------------

    @Test
    void shouldMapAMoveToItsEvents() {
        Instant decidedAt = NOW.plusMillis(3);
        Move move = new Move("r1", "a", "b", 2, MoveReason.FAILOVER, "a DOWN", DOWN_SINCE);

        RoleMoved moved = move.toEvent(UUID.randomUUID(), decidedAt);
        RoleAssignment assignment = move.toAssignment(UUID.randomUUID(), decidedAt);

        assertThat(moved).extracting(RoleMoved::roleId, RoleMoved::epoch, RoleMoved::from, RoleMoved::to,
                        RoleMoved::reason, RoleMoved::cause, RoleMoved::detectedAt, RoleMoved::decidedAt)
                .containsExactly("r1", 2L, "a", "b", MoveReason.FAILOVER, "a DOWN", DOWN_SINCE, decidedAt);
        assertThat(assignment).extracting(RoleAssignment::epoch, RoleAssignment::serverId, RoleAssignment::endpoint,
                        RoleAssignment::reason)
                .containsExactly(2L, "b", null, MoveReason.FAILOVER);
    }

    @Test
    void shouldMapAnUnplacementToItsEvents() {
        Unplacement unplacement = new Unplacement("r1", "a", 4, 5, MoveReason.MAINTENANCE, "a entered maintenance",
                null);

        RoleUnplaced event = unplacement.toEvent(UUID.randomUUID(), NOW);
        RoleAssignment assignment = unplacement.toAssignment(UUID.randomUUID(), NOW);

        assertThat(event.epoch()).as("the epoch that ended").isEqualTo(4);
        assertThat(event.from()).isEqualTo("a");
        assertThat(assignment.epoch()).isEqualTo(5);
        assertThat(assignment.serverId()).isNull();
        assertThat(assignment.reason()).isEqualTo(MoveReason.MAINTENANCE);
    }

    @Test
    void shouldReadARoleConfigurationFromItsEvent() {
        RoleConfigured event = new RoleConfigured(UUID.randomUUID(), NOW, "r1", 7, List.of("b", "a"), true, 15_000,
                DB, null, "alice");

        assertThat(RoleConfig.from(event))
                .isEqualTo(new RoleConfig("r1", List.of("b", "a"), true, Duration.ofSeconds(15), DB));
    }

    // --- mass failover ----------------------------------------------------------------------------------------

    @Test
    void shouldFailOverTenThousandRolesOfOneDeadServerWellUnderASecond() {
        List<RoleConfig> roles = new ArrayList<>();
        List<Assignment> assignments = new ArrayList<>();
        Cluster cluster = cluster().down("dead");
        for (int i = 0; i < 200; i++) {
            cluster.up(String.format("s%03d", i));
        }
        for (int i = 0; i < 10_000; i++) {
            String id = String.format("role-%05d", i);
            roles.add(forced(id, "dead", String.format("s%03d", i % 200), String.format("s%03d", (i + 1) % 200)));
            assignments.add(on(id, 1, "dead"));
        }
        var view = cluster.view();
        Assignments current = Assignments.of(assignments);
        policy.decide(roles, view, current, NOW); // warm-up

        long started = System.nanoTime();
        Decision decision = policy.decide(roles, view, current, NOW);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(decision.moves()).hasSize(10_000)
                .allSatisfy(move -> assertThat(move.reason()).isEqualTo(MoveReason.FAILOVER));
        assertThat(decision.moves().get(42).to()).isEqualTo("s042");
        assertThat(decision.next().all()).allSatisfy(assignment -> assertThat(assignment.epoch()).isEqualTo(2));
        assertThat(took).isLessThan(Duration.ofSeconds(1));
    }
}
