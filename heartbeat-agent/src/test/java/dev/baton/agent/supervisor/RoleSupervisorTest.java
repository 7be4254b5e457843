package dev.baton.agent.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.supervisor.Action.Report;
import dev.baton.agent.supervisor.Action.StartPlugin;
import dev.baton.agent.supervisor.Action.StopPlugin;
import dev.baton.events.BatonEvent;
import dev.baton.events.DatabaseRef;
import dev.baton.events.Endpoint;
import dev.baton.events.HostedRole;
import dev.baton.events.MoveReason;
import dev.baton.events.PluginSpec;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RoleSupervisorTest {
    private static final String ME = "srv-a";
    private static final String OTHER = "srv-b";
    private static final Instant T0 = Instant.parse("2025-03-14T09:00:00Z");
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final Duration FENCE_GRACE = Duration.ofMillis(100);
    private static final Duration HANDOVER = Duration.ofSeconds(15);
    private static final Endpoint ENDPOINT = new Endpoint("10.0.0.1", 47001);

    private RoleSupervisor supervisor;

    @BeforeEach
    void newSupervisor() {
        supervisor = new RoleSupervisor(ME, new RoleSupervisor.Timing(STOP_GRACE, FENCE_GRACE, HANDOVER));
    }

    @Test
    void shouldStartNothingBeforeCatchingUpAndHoldingTheLease() {
        assertThat(events(false, config("billing"), assigned("billing", 3, ME))).isEmpty();
        assertThat(supervisor.onLeaseAcquired(T0)).as("not caught up yet").isEmpty();

        List<Action> actions = events(true);

        assertThat(actions).containsExactly(
                new Report("billing", 3, RoleState.STARTING, null, "assigned here at epoch 3 (FAILOVER)"),
                new StartPlugin("billing", 3, null, "assigned here at epoch 3 (FAILOVER)"));
        assertThat(supervisor.hostedRoles()).containsExactly(new HostedRole("billing", 3, RoleState.STARTING, null));
    }

    @Test
    void shouldWaitForTheLeaseBeforeStartingAnAssignedRole() {
        assertThat(events(true, config("billing"), assigned("billing", 3, ME))).isEmpty();

        assertThat(supervisor.onLeaseAcquired(T0)).hasOnlyElementsOfTypes(Report.class, StartPlugin.class).hasSize(2);
    }

    @Test
    void shouldActOnlyOnTheLatestAssignmentWhenReplayingHistory() {
        supervisor.onLeaseAcquired(T0);

        List<Action> actions = events(true, config("billing"), assigned("billing", 1, ME), assigned("billing", 2, OTHER),
                assigned("billing", 3, ME));

        assertThat(starts(actions)).extracting(StartPlugin::epoch).containsExactly(3L);
        assertThat(stops(actions)).isEmpty();
    }

    @Test
    void shouldWaitForTheConfigurationOfAnAssignedRole() {
        supervisor.onLeaseAcquired(T0);
        assertThat(events(true, assigned("billing", 3, ME))).isEmpty();

        PluginSpec plugin = new PluginSpec("command", List.of("/bin/plugin", "{port}"), Map.of(), 47001);
        List<Action> actions = events(true, config("billing", plugin));

        assertThat(starts(actions)).containsExactly(
                new StartPlugin("billing", 3, plugin, "assigned here at epoch 3 (FAILOVER)"));
    }

    @Test
    void shouldReportRunningWithTheEndpointOnceThePluginListens() {
        running("billing", 3);

        assertThat(supervisor.hostedRoles()).containsExactly(new HostedRole("billing", 3, RoleState.RUNNING, ENDPOINT));
        assertThat(supervisor.countByState()).containsEntry(RoleState.RUNNING, 1).containsEntry(RoleState.FAILED, 0);
    }

    @Test
    void shouldStopAtOnceWhenTheRoleIsAssignedElsewhereAtAHigherEpoch() {
        running("billing", 3);

        List<Action> actions = events(true, assigned("billing", 4, OTHER, MoveReason.FAILBACK));

        assertThat(actions).containsExactly(
                new StopPlugin("billing", 3, STOP_GRACE, "assigned to srv-b at epoch 4 (FAILBACK)"));
        assertThat(supervisor.hostedRoles()).containsExactly(new HostedRole("billing", 3, RoleState.STOPPING, null));

        assertThat(supervisor.onPluginStopped("billing", 3, T0)).containsExactly(
                new Report("billing", 3, RoleState.STOPPED, null, "assigned to srv-b at epoch 4 (FAILBACK)"));
        assertThat(supervisor.hostedRoles()).isEmpty();
    }

    @Test
    void shouldStopWhenTheRoleIsUnassignedAtAHigherEpoch() {
        running("billing", 3);

        assertThat(stops(events(true, assigned("billing", 4, null, MoveReason.FAILOVER))))
                .extracting(StopPlugin::reason).containsExactly("unassigned at epoch 4 (FAILOVER)");
    }

    @Test
    void shouldIgnoreStaleEpochs() {
        running("billing", 5);

        assertThat(events(true, assigned("billing", 4, OTHER), assigned("billing", 5, OTHER))).isEmpty();
        assertThat(supervisor.hostedRoles()).extracting(HostedRole::state).containsExactly(RoleState.RUNNING);
    }

    @Test
    void shouldNotStartAStaleAssignmentHere() {
        supervisor.onLeaseAcquired(T0);
        events(true, config("billing"), assigned("billing", 5, OTHER));

        assertThat(events(true, assigned("billing", 4, ME))).isEmpty();
    }

    @Test
    void shouldRestartARoleAssignedHereAgainAtAHigherEpochOnceTheOldRunStopped() {
        running("billing", 3);

        List<Action> stop = events(true, assigned("billing", 4, ME, MoveReason.MANUAL));
        assertThat(stops(stop)).extracting(StopPlugin::epoch).containsExactly(3L);
        assertThat(starts(stop)).as("not while the old run still holds the port").isEmpty();

        List<Action> restart = supervisor.onPluginStopped("billing", 3, T0);
        assertThat(starts(restart)).extracting(StartPlugin::epoch).containsExactly(4L);
    }

    @Test
    void shouldReportAFailedPluginAndKeepItInHeartbeatsUntilTheRoleMoves() {
        running("billing", 3);

        assertThat(supervisor.onPluginFailed("billing", 3, "plugin exited with code 3", T0)).containsExactly(
                new Report("billing", 3, RoleState.FAILED, null, "plugin exited with code 3"));
        assertThat(supervisor.hostedRoles()).containsExactly(new HostedRole("billing", 3, RoleState.FAILED, null));
        assertThat(supervisor.onLeaseAcquired(T0)).as("never restarted at the epoch it failed at").isEmpty();

        assertThat(events(true, assigned("billing", 4, OTHER, MoveReason.RESOURCE_FAILURE))).isEmpty();
        assertThat(supervisor.hostedRoles()).isEmpty();
    }

    @Test
    void shouldStartAgainAfterAFailureOnlyAtANewEpoch() {
        running("billing", 3);
        supervisor.onPluginFailed("billing", 3, "died", T0);

        assertThat(starts(events(true, assigned("billing", 4, ME, MoveReason.RESOURCE_FAILURE))))
                .extracting(StartPlugin::epoch).containsExactly(4L);
    }

    @Test
    void shouldReportAPluginThatCannotStartAsFailed() {
        supervisor.onLeaseAcquired(T0);
        events(true, config("billing"), assigned("billing", 3, ME));

        assertThat(supervisor.onPluginFailed("billing", 3, "cannot start plugin: unknown kind", T0))
                .containsExactly(new Report("billing", 3, RoleState.FAILED, null, "cannot start plugin: unknown kind"));
    }

    @Test
    void shouldIgnoreOutcomesOfAnEarlierRun() {
        running("billing", 3);
        events(true, assigned("billing", 4, OTHER));

        assertThat(supervisor.onPluginRunning("billing", 2, ENDPOINT, "late", T0)).isEmpty();
        assertThat(supervisor.onPluginFailed("billing", 2, "late", T0)).isEmpty();
        assertThat(supervisor.hostedRoles()).extracting(HostedRole::state).containsExactly(RoleState.STOPPING);
    }

    @Test
    void shouldTreatAPluginEndingWhileStoppingAsStopped() {
        running("billing", 3);
        events(true, assigned("billing", 4, OTHER));

        assertThat(supervisor.onPluginFailed("billing", 3, "exited with code 143", T0)).extracting(a -> ((Report) a).state())
                .containsExactly(RoleState.STOPPED);
    }

    @Test
    void shouldProbeTheDatabasesOfRolesListingThisServer() {
        DatabaseRef db = new DatabaseRef("DBHOST\\SQLEXPRESS", "db.internal", 1433);
        events(false,
                configured("billing", List.of(OTHER, ME), db, null),
                configured("reports", List.of(OTHER), db, null),
                configured("payroll", List.of(ME), null, null));

        assertThat(supervisor.databaseTargets()).containsExactly(new DatabaseTarget("billing", "db.internal", 1433));
    }

    @Test
    void shouldIgnoreAnOlderConfigurationVersion() {
        supervisor.onLeaseAcquired(T0);
        PluginSpec newer = new PluginSpec("command", List.of("/bin/new"), Map.of(), null);
        PluginSpec older = new PluginSpec("command", List.of("/bin/old"), Map.of(), null);
        events(true, configured("billing", 2, newer), configured("billing", 1, older));

        assertThat(starts(events(true, assigned("billing", 1, ME)))).extracting(StartPlugin::plugin)
                .containsExactly(newer);
    }

    @Test
    void shouldStopEveryRoleWithTheNormalGraceOnShutdown() {
        running("billing", 3);

        assertThat(supervisor.onShutdown(T0)).containsExactly(
                new StopPlugin("billing", 3, STOP_GRACE, "the agent is shutting down"));
        assertThat(supervisor.idle()).isFalse();
        supervisor.onPluginStopped("billing", 3, T0);
        assertThat(supervisor.idle()).isTrue();
    }

    @Nested
    class Lease {
        /** The role ran at {@code epoch}, the lease expired, the plugin stopped, and the lease is back. */
        private void fencedAndHeardAgain(String roleId, long epoch) {
            running(roleId, epoch);
            supervisor.onLeaseExpired("silent", T0);
            supervisor.onPluginStopped(roleId, epoch, T0);
            supervisor.onLeaseAcquired(T0.plusSeconds(1));
        }

        @Test
        void shouldStopEveryRoleWithTheFenceGraceAndReportItStoppedNotFailedWhenTheLeaseExpires() {
            running("billing", 3);
            starting("reports", 7);

            List<Action> fence = supervisor.onLeaseExpired("no heartbeat acknowledged for 512 ms (lease 500 ms)", T0);

            assertThat(fence).containsExactlyInAnyOrder(
                    new StopPlugin("billing", 3, FENCE_GRACE, "fenced: no heartbeat acknowledged for 512 ms (lease 500 ms)"),
                    new StopPlugin("reports", 7, FENCE_GRACE, "fenced: no heartbeat acknowledged for 512 ms (lease 500 ms)"));
            assertThat(supervisor.onPluginStopped("billing", 3, T0)).containsExactly(new Report("billing", 3,
                    RoleState.STOPPED, null, "fenced: no heartbeat acknowledged for 512 ms (lease 500 ms); waiting for"
                    + " the placement to assign it here again"));
            assertThat(supervisor.hostedRoles()).contains(new HostedRole("billing", 3, RoleState.STOPPED, null));
            assertThat(supervisor.countByState()).containsEntry(RoleState.FAILED, 0);
            assertThat(supervisor.idle()).as("a fenced role runs no process").isFalse();
            supervisor.onPluginStopped("reports", 7, T0);
            assertThat(supervisor.idle()).isTrue();
        }

        @Test
        void shouldReportAFencedRoleStoppedAtItsEpochUntilThePlacementGrantsItAgain() {
            fencedAndHeardAgain("billing", 3);
            assertThat(supervisor.hostedRoles()).containsExactly(new HostedRole("billing", 3, RoleState.STOPPED, null));

            List<Action> resumed = events(true, assigned("billing", 4, ME, MoveReason.RESUME));

            assertThat(starts(resumed)).extracting(StartPlugin::epoch).containsExactly(4L);
            assertThat(supervisor.hostedRoles()).containsExactly(new HostedRole("billing", 4, RoleState.STARTING, null));
        }

        @Test
        void shouldForgetAFencedRoleThatMovedElsewhereMeanwhile() {
            fencedAndHeardAgain("billing", 3);

            assertThat(events(true, assigned("billing", 4, OTHER, MoveReason.FAILOVER))).isEmpty();

            assertThat(supervisor.hostedRoles()).isEmpty();
        }

        @Test
        void shouldShortenAStopInProgressWhenTheLeaseExpires() {
            running("billing", 3);
            events(true, assigned("billing", 4, OTHER));

            assertThat(supervisor.onLeaseExpired("silent", T0)).containsExactly(
                    new StopPlugin("billing", 3, FENCE_GRACE, "fenced: silent"));
        }

        @Test
        void shouldRestartAfterAFenceOnlyWhenAssignedAtANewEpoch() {
            running("billing", 3);
            supervisor.onLeaseExpired("silent", T0);
            supervisor.onPluginStopped("billing", 3, T0);
            assertThat(events(true, assigned("billing", 4, ME))).as("fenced: nothing starts").isEmpty();

            List<Action> renewed = supervisor.onLeaseAcquired(T0.plusSeconds(1));

            assertThat(starts(renewed)).extracting(StartPlugin::epoch).containsExactly(4L);
        }

        @Test
        void shouldNotRestartAtTheFencedEpochWhenTheLeaseIsBack() {
            running("billing", 3);
            supervisor.onLeaseExpired("silent", T0);
            supervisor.onPluginStopped("billing", 3, T0);

            assertThat(supervisor.onLeaseAcquired(T0.plusSeconds(1))).isEmpty();
            assertThat(events(true, assigned("billing", 3, ME))).isEmpty();
            assertThat(supervisor.hostedRoles()).containsExactly(new HostedRole("billing", 3, RoleState.STOPPED, null));
        }
    }

    @Nested
    class PlannedMoves {
        @Test
        void shouldStopAtOnceWhenMovedAwayOnAPlannedMove() {
            running("billing", 3);

            assertThat(events(true, assigned("billing", 4, OTHER, MoveReason.MAINTENANCE))).containsExactly(
                    new StopPlugin("billing", 3, STOP_GRACE, "assigned to srv-b at epoch 4 (MAINTENANCE)"));
        }

        @Test
        void shouldNotStartWhileThePreviousHostMayStillRunTheRole() {
            supervisor.onLeaseAcquired(T0);

            List<Action> actions = events(true, config("billing"),
                    handedOver("billing", 4, ME, MoveReason.FAILBACK, OTHER));

            assertThat(actions).isEmpty();
            assertThat(supervisor.hostedRoles()).isEmpty();
            assertThat(supervisor.onTick(T0.plus(HANDOVER).plusSeconds(60))).as("no bound of its own").isEmpty();
        }

        @Test
        void shouldStartOnceThePlacementReleasesTheAssignment() {
            supervisor.onLeaseAcquired(T0);
            events(true, config("billing"), handedOver("billing", 4, ME, MoveReason.MANUAL, OTHER));

            List<Action> actions = events(true, assigned("billing", 4, ME, MoveReason.MANUAL));

            assertThat(starts(actions)).singleElement().satisfies(start -> assertThat(start.epoch()).isEqualTo(4));
        }

        @Test
        void shouldNotTakeAReleaseBackWhenTheFirstRecordArrivesAgain() {
            supervisor.onLeaseAcquired(T0);
            events(true, config("billing"), handedOver("billing", 4, ME, MoveReason.MANUAL, OTHER));
            assertThat(starts(events(true, assigned("billing", 4, ME, MoveReason.MANUAL)))).hasSize(1);

            assertThat(stops(events(true, handedOver("billing", 4, ME, MoveReason.MANUAL, OTHER)))).isEmpty();
            assertThat(supervisor.hostedRoles()).extracting(HostedRole::state).containsExactly(RoleState.STARTING);
        }

        @Test
        void shouldStartAReleasedAssignmentReadWhileCatchingUp() {
            supervisor.onLeaseAcquired(T0);
            events(false, config("billing"), handedOver("billing", 4, ME, MoveReason.MAINTENANCE, OTHER),
                    assigned("billing", 4, ME, MoveReason.MAINTENANCE));

            assertThat(starts(events(true))).hasSize(1);
        }
    }

    @Nested
    class PlannedLeave {
        @Test
        void shouldCompleteOnceEveryRoleHasBeenHandedOverAndStopped() {
            running("billing", 3);

            assertThat(supervisor.onLeave(T0)).isEmpty();
            assertThat(supervisor.leaveComplete()).isFalse();

            assertThat(stops(events(true, assigned("billing", 4, OTHER, MoveReason.MAINTENANCE)))).hasSize(1);
            assertThat(supervisor.leaveComplete()).as("still stopping").isFalse();

            supervisor.onPluginStopped("billing", 3, T0);
            assertThat(supervisor.leaveComplete()).isTrue();
        }

        @Test
        void shouldCompleteAtOnceWithoutRoles() {
            supervisor.onLeaseAcquired(T0);

            supervisor.onLeave(T0);

            assertThat(supervisor.leaveComplete()).isTrue();
        }

        @Test
        void shouldStopWhatHasNotMovedWhenTheLeaveTimesOut() {
            running("billing", 3);
            supervisor.onLeave(T0);

            assertThat(supervisor.onTick(T0.plus(HANDOVER).minusMillis(1))).isEmpty();
            assertThat(stops(supervisor.onTick(T0.plus(HANDOVER)))).extracting(StopPlugin::reason)
                    .containsExactly("leave.timeout (15000 ms) passed before the role moved");
        }

        @Test
        void shouldNotStartARoleWhileLeavingButReportItFailed() {
            supervisor.onLeaseAcquired(T0);
            events(true, config("billing"));
            supervisor.onLeave(T0);

            List<Action> actions = events(true, assigned("billing", 3, ME));

            assertThat(starts(actions)).isEmpty();
            assertThat(actions).containsExactly(new Report("billing", 3, RoleState.FAILED, null,
                    "not started: the agent on srv-a is leaving"));
            assertThat(supervisor.leaveComplete()).isTrue();
        }

        @Test
        void shouldStopAtOnceOnAnUnplannedMoveWhileLeaving() {
            running("billing", 3);
            supervisor.onLeave(T0);

            assertThat(stops(events(true, assigned("billing", 4, OTHER, MoveReason.FAILOVER)))).hasSize(1);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void running(String roleId, long epoch) {
        starting(roleId, epoch);
        supervisor.onPluginRunning(roleId, epoch, ENDPOINT, "listening after 3 ms", T0);
    }

    private void starting(String roleId, long epoch) {
        supervisor.onLeaseAcquired(T0);
        assertThat(starts(events(true, config(roleId), assigned(roleId, epoch, ME)))).hasSize(1);
    }

    private List<Action> events(boolean caughtUp, BatonEvent... events) {
        return supervisor.onEvents(List.of(events), caughtUp, T0);
    }

    private static List<StartPlugin> starts(List<Action> actions) {
        return actions.stream().filter(StartPlugin.class::isInstance).map(StartPlugin.class::cast).toList();
    }

    private static List<StopPlugin> stops(List<Action> actions) {
        return actions.stream().filter(StopPlugin.class::isInstance).map(StopPlugin.class::cast).toList();
    }

    private static RoleAssignment assigned(String roleId, long epoch, String serverId) {
        return assigned(roleId, epoch, serverId, MoveReason.FAILOVER);
    }

    private static RoleAssignment assigned(String roleId, long epoch, String serverId, MoveReason reason) {
        return new RoleAssignment(UUID.randomUUID(), T0, roleId, epoch, serverId, null, reason);
    }

    private static RoleAssignment handedOver(String roleId, long epoch, String serverId, MoveReason reason,
            String from) {
        return new RoleAssignment(UUID.randomUUID(), T0, roleId, epoch, serverId, null, reason, from);
    }

    private static RoleConfigured config(String roleId) {
        return config(roleId, null);
    }

    private static RoleConfigured config(String roleId, PluginSpec plugin) {
        return configured(roleId, List.of(ME, OTHER), null, plugin);
    }

    private static RoleConfigured configured(String roleId, List<String> servers, DatabaseRef db, PluginSpec plugin) {
        return new RoleConfigured(UUID.randomUUID(), T0, roleId, 1, servers, false, 0, db, plugin, "test");
    }

    private static RoleConfigured configured(String roleId, long version, PluginSpec plugin) {
        return new RoleConfigured(UUID.randomUUID(), T0, roleId, version, List.of(ME), false, 0, null, plugin, "test");
    }
}
