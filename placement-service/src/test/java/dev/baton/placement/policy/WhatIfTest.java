package dev.baton.placement.policy;

import static dev.baton.placement.policy.Cluster.NOW;
import static dev.baton.placement.policy.Cluster.abcUp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.events.MoveReason;
import dev.baton.placement.detector.ClusterView;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WhatIfTest {
    private static final Duration DELAY = Duration.ofMinutes(5);

    private final WhatIf whatIf = new WhatIf(PolicyConfig.defaults());

    private static RoleConfig role(String id, boolean failback, String... servers) {
        return new RoleConfig(id, List.of(servers), failback, DELAY, null);
    }

    @Test
    void shouldFailOverTheRolesOfAServerThatWouldFailAndStopThoseWithNowhereToGo() {
        List<RoleConfig> roles = List.of(role("r1", false, "a", "b"), role("r2", false, "a"), role("r3", false, "b"));
        Assignments assignments = Assignments.of(Assignment.placed("r1", 3, "a"), Assignment.placed("r2", 1, "a"),
                Assignment.placed("r3", 1, "b"));

        WhatIf.Outcome outcome = whatIf.decide("a", WhatIf.Scenario.FAILS, roles, abcUp().view(), assignments, NOW);

        assertThat(outcome.moves()).singleElement().satisfies(move -> {
            assertThat(move.roleId()).isEqualTo("r1");
            assertThat(move.to()).isEqualTo("b");
            assertThat(move.reason()).isEqualTo(MoveReason.FAILOVER);
            assertThat(move.epoch()).isEqualTo(4);
        });
        assertThat(outcome.stops()).singleElement().satisfies(stop -> assertThat(stop.roleId()).isEqualTo("r2"));
    }

    @Test
    void shouldMoveRolesAwayByPlannedMovesForMaintenance() {
        WhatIf.Outcome outcome = whatIf.decide("a", WhatIf.Scenario.MAINTENANCE, List.of(role("r1", false, "a", "c")),
                abcUp().view(), Assignments.of(Assignment.placed("r1", 1, "a")), NOW);

        assertThat(outcome.moves()).singleElement()
                .satisfies(move -> assertThat(move.reason()).isEqualTo(MoveReason.MAINTENANCE));
        assertThat(outcome.stops()).isEmpty();
    }

    @Test
    void shouldShowTheFailbackAReturningServerWouldGetOnceItsDelayPassed() {
        ClusterView aDown = abcUp().down("a").view();
        List<RoleConfig> roles = List.of(role("forced", true, "a", "b"), role("sticky", false, "a", "b"));
        Assignments onB = Assignments.of(Assignment.placed("forced", 2, "b"), Assignment.placed("sticky", 2, "b"));

        WhatIf.Outcome outcome = whatIf.decide("a", WhatIf.Scenario.RETURNS, roles, aDown, onB, NOW);

        assertThat(outcome.moves()).singleElement().satisfies(move -> {
            assertThat(move.roleId()).isEqualTo("forced");
            assertThat(move.reason()).isEqualTo(MoveReason.FAILBACK);
        });
    }

    @Test
    void shouldChangeNothingAndRefuseAServerItDoesNotKnow() {
        Assignments assignments = Assignments.of(Assignment.placed("r1", 1, "a"));

        whatIf.decide("a", WhatIf.Scenario.FAILS, List.of(role("r1", false, "a", "b")), abcUp().view(), assignments,
                NOW);

        assertThat(assignments.find("r1")).isEqualTo(Assignment.placed("r1", 1, "a"));
        assertThatThrownBy(() -> whatIf.decide("zz", WhatIf.Scenario.FAILS, List.of(), abcUp().view(), assignments,
                NOW)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server zz");
        assertThatThrownBy(() -> WhatIf.Scenario.parse("explodes")).hasMessage(
                "unknown scenario 'explodes': expected fails, maintenance or returns");
    }
}
