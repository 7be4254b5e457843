package dev.baton.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenerPlanTest {
    private final ListenerPlan plan = new ListenerPlan(Map.of("legacy", 7000));

    @Test
    void shouldOpenAListenerForARoleConfiguredWithAPort() {
        assertThat(plan.configure("billing", 7001)).isTrue();

        ListenerPlan.Changes changes = plan.changes(Map.of());

        assertThat(changes.open()).isEqualTo(Map.of("billing", 7001));
        assertThat(changes.close()).isEmpty();
        assertThat(changes.refused()).isEmpty();
    }

    @Test
    void shouldChangeNothingWhenTheListenerIsAlreadyOpen() {
        plan.configure("billing", 7001);

        assertThat(plan.configure("billing", 7001)).isFalse();
        assertThat(plan.changes(Map.of("billing", 7001)).none()).isTrue();
    }

    @Test
    void shouldCloseTheOldPortAndOpenTheNewOneWhenThePortChanges() {
        plan.configure("billing", 7001);
        plan.configure("billing", 7002);

        ListenerPlan.Changes changes = plan.changes(Map.of("billing", 7001));

        assertThat(changes.close()).isEqualTo(Map.of("billing", 7001));
        assertThat(changes.open()).isEqualTo(Map.of("billing", 7002));
    }

    @Test
    void shouldCloseTheListenerWhenTheRoleLosesItsPortOrIsDeleted() {
        plan.configure("billing", 7001);

        assertThat(plan.configure("billing", null)).isTrue();
        ListenerPlan.Changes changes = plan.changes(Map.of("billing", 7001));

        assertThat(changes.close()).isEqualTo(Map.of("billing", 7001));
        assertThat(changes.open()).isEmpty();
        assertThat(plan.configuredPort("billing")).isNull();
    }

    @Test
    void shouldLetTheStaticRouteWinOverTheRolesConfiguration() {
        plan.configure("legacy", 7005);

        ListenerPlan.Changes changes = plan.changes(Map.of());

        assertThat(plan.isStatic("legacy")).isTrue();
        assertThat(changes.none()).isTrue();
        assertThat(changes.refused()).isEmpty();
    }

    @Test
    void shouldRefuseAConfiguredPortThatAStaticRouteHolds() {
        plan.configure("billing", 7000);

        ListenerPlan.Changes changes = plan.changes(Map.of());

        assertThat(changes.open()).isEmpty();
        assertThat(changes.refused()).containsEntry("billing",
                "port 7000 is taken by role legacy (static route); waiting for it to be free");
    }

    @Test
    void shouldKeepThePortWithTheRoleHoldingItWhenAnotherRoleClaimsItFirst() {
        // config-events has several partitions: "reports takes 7001" may be read before "billing leaves 7001".
        plan.configure("billing", 7001);
        plan.configure("aaa-reports", 7001);

        ListenerPlan.Changes changes = plan.changes(Map.of("billing", 7001));

        assertThat(changes.none()).isTrue();
        assertThat(changes.refused()).containsOnlyKeys("aaa-reports");
        assertThat(changes.refused().get("aaa-reports")).startsWith("port 7001 is taken by role billing;");
    }

    @Test
    void shouldHandThePortOverInOneRoundOnceItsHolderLeavesIt() {
        plan.configure("billing", 7001);
        plan.configure("reports", 7001);
        plan.configure("billing", 7002);

        ListenerPlan.Changes changes = plan.changes(Map.of("billing", 7001));

        assertThat(changes.close()).isEqualTo(Map.of("billing", 7001));
        assertThat(changes.open()).isEqualTo(Map.of("billing", 7002, "reports", 7001));
        assertThat(changes.refused()).isEmpty();
    }

    @Test
    void shouldGiveAContestedFreePortToTheSmallerRoleId() {
        plan.configure("reports", 7001);
        plan.configure("billing", 7001);

        ListenerPlan.Changes changes = plan.changes(Map.of());

        assertThat(changes.open()).isEqualTo(Map.of("billing", 7001));
        assertThat(changes.refused()).containsOnlyKeys("reports");
    }
}
