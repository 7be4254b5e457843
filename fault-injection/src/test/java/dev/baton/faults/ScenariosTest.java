package dev.baton.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScenariosTest {
    @Test
    void shouldRunEveryKindOfFaultInTheBoundedProfile() {
        Map<String, Scenario> all = Scenarios.all();
        Set<String> kinds = all.values().stream().map(Scenario::kind).collect(Collectors.toSet());

        Set<String> planned = FaultRun.CI_PLAN.stream().map(name -> all.get(name).kind()).collect(Collectors.toSet());

        assertThat(planned).isEqualTo(kinds);
    }

    @Test
    void shouldKeepKnownScenariosOutOfTheBoundedProfile() {
        Map<String, Scenario> all = Scenarios.all();

        assertThat(FaultRun.CI_PLAN).allSatisfy(name -> {
            assertThat(all).containsKey(name);
            assertThat(all.get(name).isKnown()).as(name + " is known").isFalse();
        });
    }

    @Test
    void shouldKillEveryServiceInTheBoundedProfile() {
        assertThat(FaultRun.CI_PLAN).contains("kill-agent-host", "kill-agent-idle", "kill-placement-leader",
                "kill-placement-standby", "kill-audit", "kill-gateway", "kill-broker", "kill-postgres");
    }
}
