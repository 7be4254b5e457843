package dev.baton.placement.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The detector driven by a simulated heartbeat topic and placement loop (defaults: 100 ms beats, 700 ms timeout). */
class FailureDetectorSimulationTest {

    private record Scenario(UnaryOperator<Simulation> setup, long runUntilMs, List<String> expected) {
    }

    private static Arguments scenario(String name, UnaryOperator<Simulation> setup, long runUntilMs,
            String... expected) {
        return Arguments.of(Named.of(name, new Scenario(setup, runUntilMs, List.of(expected))));
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(
                scenario("shouldKeepServersUpWhileTheyBeat",
                        sim -> sim.alive("a", "i1", 0, 5000).alive("b", "i1", 0, 5000),
                        5000,
                        "0 JOINED a i1", "0 JOINED b i1"),
                scenario("shouldDeclareSilentServerDownExactlyOnce",
                        sim -> sim.alive("a", "i1", 0, 5000).alive("b", "i1", 0, 1000),
                        5000,
                        "0 JOINED a i1", "0 JOINED b i1",
                        "1700 DOWN b: no heartbeat for 700 ms (timeout 700 ms)"),
                scenario("shouldKeepServersUpWhenThePlacementPausesWithABacklogOfTheirHeartbeats",
                        sim -> sim.alive("a", "i1", 0, 6000).alive("b", "i1", 0, 6000)
                                .pause(1000, 4000).batch(10),
                        6000,
                        "0 JOINED a i1", "0 JOINED b i1"),
                scenario("shouldDeclareDownAfterAPauseOnlyTheServerWhoseSilenceTheBacklogShows",
                        // b dies during the pause; reading the backlog, a's heartbeats up to 2800 show that b has
                        // been silent since 2000: b is DOWN before the consumer has even caught up.
                        sim -> sim.alive("a", "i1", 0, 6000).alive("b", "i1", 0, 2000)
                                .pause(1000, 4000).batch(10),
                        6000,
                        "0 JOINED a i1", "0 JOINED b i1",
                        "4100 DOWN b: no heartbeat for 800 ms (timeout 700 ms)"),
                scenario("shouldReportServerUpWhenASilentServerBeatsAgainWithTheSameIncarnation",
                        sim -> sim.alive("a", "i1", 0, 5000).alive("b", "i1", 0, 1000).alive("b", "i1", 3000, 4000),
                        5000,
                        "0 JOINED a i1", "0 JOINED b i1",
                        "1700 DOWN b: no heartbeat for 700 ms (timeout 700 ms)",
                        "3000 UP b",
                        "4700 DOWN b: no heartbeat for 700 ms (timeout 700 ms)"),
                scenario("shouldReportJoinedAndNoDownWhenAnAgentRestartsWithinTheTimeout",
                        sim -> sim.alive("a", "i1", 0, 3000).alive("b", "i1", 0, 1000).alive("b", "i2", 1300, 3000),
                        3000,
                        "0 JOINED a i1", "0 JOINED b i1", "1300 JOINED b i2"),
                scenario("shouldReportJoinedWhenAnAgentRestartsAfterBeingDeclaredDown",
                        sim -> sim.alive("a", "i1", 0, 3000).alive("b", "i1", 0, 1000).alive("b", "i2", 2000, 3000),
                        3000,
                        "0 JOINED a i1", "0 JOINED b i1",
                        "1700 DOWN b: no heartbeat for 700 ms (timeout 700 ms)",
                        "2000 JOINED b i2"),
                scenario("shouldHoldFailoversWhenEveryServerFallsSilentAtOnce",
                        sim -> sim.alive("a", "i1", 0, 1000).alive("b", "i1", 0, 1000),
                        2000,
                        "0 JOINED a i1", "0 JOINED b i1"),
                scenario("shouldHoldFailoversWhenMostServersFallSilentAtOnceAndJudgeAfreshWhenTheyReturn",
                        sim -> sim.alive("a", "i1", 0, 4000).alive("b", "i1", 0, 1000).alive("c", "i1", 0, 1000)
                                .alive("b", "i1", 2500, 4000).alive("c", "i1", 2500, 2600),
                        4000,
                        "0 JOINED a i1", "0 JOINED b i1", "0 JOINED c i1",
                        // b and c were never DOWN: the brake held; c fell silent again after the brake was released: a full timeout from its last beat
                        "3300 DOWN c: no heartbeat for 700 ms (timeout 700 ms)"),
                scenario("shouldDeclareOneServerDownWhenOnlyItFallsSilent",
                        sim -> sim.alive("a", "i1", 0, 3000).alive("b", "i1", 0, 3000).alive("c", "i1", 0, 1000),
                        3000,
                        "0 JOINED a i1", "0 JOINED b i1", "0 JOINED c i1",
                        "1700 DOWN c: no heartbeat for 700 ms (timeout 700 ms)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldReportTheseTransitions(Scenario scenario) {
        Simulation simulation = scenario.setup().apply(new Simulation()).runUntil(scenario.runUntilMs());

        assertThat(simulation.log()).containsExactlyElementsOf(scenario.expected());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void shouldEndWithAReadyViewOfEveryServer(Scenario scenario) {
        Simulation simulation = scenario.setup().apply(new Simulation()).runUntil(scenario.runUntilMs());

        ClusterView view = simulation.lastEvaluation().view();
        assertThat(view.ready()).isTrue();
        assertThat(view.servers()).extracting(ServerView::serverId).startsWith("a", "b");
    }
}
