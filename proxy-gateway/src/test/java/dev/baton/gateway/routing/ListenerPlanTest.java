package dev.baton.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.InFlightConfig;
import dev.baton.gateway.connection.InFlightPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenerPlanTest {
    private final ListenerPlan plan = new ListenerPlan(Map.of("legacy", 7000));

    private long version;

    /** The next configuration record of a role: versions increase across the test, as a placement's do. */
    private ListenerPlan.RolePort port(String roleId, Integer port) {
        return new ListenerPlan.RolePort(roleId, port, ++version);
    }

    @Test
    void shouldTakeTheInFlightPolicyFromTheRolesConfigurationElseTheGatewaysDefault() {
        InFlightPolicy defaults = new InFlightPolicy(InFlightPolicy.Mode.CLOSE, 4096);
        plan.configure(new ListenerPlan.RolePort("billing", 7001, 1, new InFlightConfig("replay", 100_000)));

        assertThat(plan.inFlightPolicy("billing", defaults, 65536))
                .as("the limit capped at the bytes a connection may hold")
                .isEqualTo(new InFlightPolicy(InFlightPolicy.Mode.REPLAY, 65536));
        plan.configure(new ListenerPlan.RolePort("billing", 7001, 2, new InFlightConfig("replay", null)));
        assertThat(plan.inFlightPolicy("billing", defaults, 65536))
                .isEqualTo(new InFlightPolicy(InFlightPolicy.Mode.REPLAY, 4096));
        plan.configure(new ListenerPlan.RolePort("billing", 7001, 1, new InFlightConfig("repoint", null)));
        assertThat(plan.inFlightPolicy("billing", defaults, 65536).mode())
                .as("an older version changes nothing").isEqualTo(InFlightPolicy.Mode.REPLAY);
        plan.configure(new ListenerPlan.RolePort("billing", 7001, 3));
        assertThat(plan.inFlightPolicy("billing", defaults, 65536)).isEqualTo(defaults);
        assertThat(plan.inFlightPolicy("unknown", defaults, 65536)).isEqualTo(defaults);
    }

    @Test
    void shouldIgnoreAnOlderConfigurationReadAfterANewerOne() {
        plan.configure(new ListenerPlan.RolePort("billing", 7002, 3));

        assertThat(plan.configure(new ListenerPlan.RolePort("billing", 7001, 2))).isFalse();
        assertThat(plan.configuredPort("billing")).isEqualTo(7002);
    }

    @Test
    void shouldForgetADeletedRoleSoThatItCanBeCreatedAgainAtVersion1() {
        plan.configure(new ListenerPlan.RolePort("billing", 7002, 3));

        assertThat(plan.configure(ListenerPlan.RolePort.deleted("billing"))).isTrue();
        assertThat(plan.configure(new ListenerPlan.RolePort("billing", 7003, 1))).isTrue();
        assertThat(plan.changes(Map.of()).open()).isEqualTo(Map.of("billing", 7003));
    }

    @Test
    void shouldOpenAListenerForARoleConfiguredWithAPort() {
        assertThat(plan.configure(port("billing", 7001))).isTrue();

        ListenerPlan.Changes changes = plan.changes(Map.of());

        assertThat(changes.open()).isEqualTo(Map.of("billing", 7001));
        assertThat(changes.close()).isEmpty();
        assertThat(changes.refused()).isEmpty();
    }

    @Test
    void shouldChangeNothingWhenTheListenerIsAlreadyOpen() {
        plan.configure(port("billing", 7001));

        assertThat(plan.configure(port("billing", 7001))).isFalse();
        assertThat(plan.changes(Map.of("billing", 7001)).none()).isTrue();
    }

    @Test
    void shouldCloseTheOldPortAndOpenTheNewOneWhenThePortChanges() {
        plan.configure(port("billing", 7001));
        plan.configure(port("billing", 7002));

        ListenerPlan.Changes changes = plan.changes(Map.of("billing", 7001));

        assertThat(changes.close()).isEqualTo(Map.of("billing", 7001));
        assertThat(changes.open()).isEqualTo(Map.of("billing", 7002));
    }

    @Test
    void shouldCloseTheListenerWhenTheRoleLosesItsPortOrIsDeleted() {
        plan.configure(port("billing", 7001));

        assertThat(plan.configure(port("billing", null))).isTrue();
        ListenerPlan.Changes changes = plan.changes(Map.of("billing", 7001));

        assertThat(changes.close()).isEqualTo(Map.of("billing", 7001));
        assertThat(changes.open()).isEmpty();
        assertThat(plan.configuredPort("billing")).isNull();
    }

    @Test
    void shouldLetTheStaticRouteWinOverTheRolesConfiguration() {
        plan.configure(port("legacy", 7005));

        ListenerPlan.Changes changes = plan.changes(Map.of());

        assertThat(plan.isStatic("legacy")).isTrue();
        assertThat(changes.none()).isTrue();
        assertThat(changes.refused()).isEmpty();
    }

    @Test
    void shouldRefuseAConfiguredPortThatAStaticRouteHolds() {
        plan.configure(port("billing", 7000));

        ListenerPlan.Changes changes = plan.changes(Map.of());

        assertThat(changes.open()).isEmpty();
        assertThat(changes.refused()).containsEntry("billing",
                "port 7000 is taken by role legacy (static route); waiting for it to be free");
    }

    @Test
    void shouldKeepThePortWithTheRoleHoldingItWhenAnotherRoleClaimsItFirst() {
        // config-events has several partitions: "reports takes 7001" may be read before "billing leaves 7001".
        plan.configure(port("billing", 7001));
        plan.configure(port("aaa-reports", 7001));

        ListenerPlan.Changes changes = plan.changes(Map.of("billing", 7001));

        assertThat(changes.none()).isTrue();
        assertThat(changes.refused()).containsOnlyKeys("aaa-reports");
        assertThat(changes.refused().get("aaa-reports")).startsWith("port 7001 is taken by role billing;");
    }

    @Test
    void shouldHandThePortOverInOneRoundOnceItsHolderLeavesIt() {
        plan.configure(port("billing", 7001));
        plan.configure(port("reports", 7001));
        plan.configure(port("billing", 7002));

        ListenerPlan.Changes changes = plan.changes(Map.of("billing", 7001));

        assertThat(changes.close()).isEqualTo(Map.of("billing", 7001));
        assertThat(changes.open()).isEqualTo(Map.of("billing", 7002, "reports", 7001));
        assertThat(changes.refused()).isEmpty();
    }

    @Test
    void shouldGiveAContestedFreePortToTheSmallerRoleId() {
        plan.configure(port("reports", 7001));
        plan.configure(port("billing", 7001));

        ListenerPlan.Changes changes = plan.changes(Map.of());

        assertThat(changes.open()).isEqualTo(Map.of("billing", 7001));
        assertThat(changes.refused()).containsOnlyKeys("reports");
    }
}
