package dev.baton.placement.policy;

import static dev.baton.placement.policy.Cluster.abcUp;
import static dev.baton.placement.policy.PlacementPolicyTest.role;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.placement.policy.MaintenanceGuard.Stranded;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaintenanceGuardTest {
    @Test
    void shouldListTheRolesWhoseLastEligibleServerWouldGo() {
        List<RoleConfig> roles = List.of(role("r2", "a", "b", "c"), role("r1", "a", "b"), role("r3", "b", "c"));

        List<Stranded> stranded = MaintenanceGuard.strandedBy("a", roles, abcUp().down("b").maintenance("c").view());

        assertThat(stranded).containsExactly(new Stranded("r1", List.of("b is DOWN")),
                new Stranded("r2", List.of("b is DOWN", "c is in maintenance")));
        assertThat(stranded.get(1).describe())
                .isEqualTo("r2: no other eligible server (b is DOWN, c is in maintenance)");
    }

    @Test
    void shouldListNothingWhileAnotherServerCanTakeEveryRole() {
        List<RoleConfig> roles = List.of(role("r1", "a", "b"), role("r2", "c", "a"));

        assertThat(MaintenanceGuard.strandedBy("a", roles, abcUp().view())).isEmpty();
    }

    @Test
    void shouldNotListARoleThatHadNoEligibleServerAnyway() {
        List<RoleConfig> roles = List.of(role("r1", "a", "b"));

        assertThat(MaintenanceGuard.strandedBy("a", roles, abcUp().down("a", "b").view())).isEmpty();
    }

    @Test
    void shouldListARoleThatListsOnlyThatServer() {
        assertThat(MaintenanceGuard.strandedBy("a", List.of(role("solo", "a")), abcUp().view()))
                .extracting(Stranded::describe).containsExactly("solo: no other eligible server in its list");
    }
}
