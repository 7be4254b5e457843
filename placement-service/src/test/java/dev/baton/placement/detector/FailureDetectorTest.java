package dev.baton.placement.detector;

import static dev.baton.placement.detector.Simulation.T0;
import static dev.baton.placement.detector.Simulation.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.DatabaseReach;
import dev.baton.events.Endpoint;
import dev.baton.events.Heartbeat;
import dev.baton.events.HostedRole;
import dev.baton.events.RoleState;
import dev.baton.events.ServerDown;
import dev.baton.events.ServerKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailureDetectorTest {
    private final FailureDetector detector = new FailureDetector(TestTiming.detector(), T0);
    private long ticked;

    private static Heartbeat beat(String server, String incarnation, long sequence, long sentMs,
            List<HostedRole> roles, List<DatabaseReach> databases) {
        return new Heartbeat(UUID.randomUUID(), t(sentMs), server, incarnation, sequence, server + ".example",
                ServerKind.EXPANSION, roles, databases);
    }

    private static Heartbeat beat(String server, String incarnation, long sequence, long sentMs) {
        return beat(server, incarnation, sequence, sentMs, List.of(), List.of());
    }

    /** Feeds a heartbeat whose record timestamp is its send time. */
    private HeartbeatOutcome feed(String server, String incarnation, long sequence, long ms) {
        return detector.onHeartbeat(beat(server, incarnation, sequence, ms), t(ms));
    }

    /**
     * The broker runs up to {@code ms}: the placement instances' own heartbeats are appended every 100 ms (stream
     * ticks), and the consumer has read everything, caught up.
     */
    private void caughtUp(long ms) {
        for (long at = ticked + 100; at < ms; at += 100) {
            detector.onStreamTick(t(at));
        }
        detector.onStreamTick(t(ms));
        ticked = Math.max(ticked, ms);
        detector.onProgress(ConsumerProgress.caughtUp(t(ms)));
    }

    /** The loop as an adapter runs it: progress caught up at {@code ms}, then evaluate. */
    private Evaluation caughtUpAndEvaluate(long ms) {
        caughtUp(ms);
        return detector.evaluate(t(ms));
    }

    /** Evaluates every 50 ms up to {@code untilMs}, caught up, and returns all transitions. */
    private List<ServerTransition> loop(long fromMs, long untilMs) {
        List<ServerTransition> transitions = new ArrayList<>();
        for (long ms = fromMs; ms <= untilMs; ms += 50) {
            transitions.addAll(caughtUpAndEvaluate(ms).transitions());
        }
        return transitions;
    }

    private static List<String> described(List<ServerTransition> transitions) {
        return transitions.stream().map(Simulation::describe).toList();
    }

    // --- sequences and incarnations ---------------------------------------------------------------------------

    private record Feed(List<String> incarnations, List<Long> sequences, List<HeartbeatOutcome> expected) {
    }

    private static Arguments feed(String name, List<String> incarnations, List<Long> sequences,
            HeartbeatOutcome... expected) {
        return Arguments.of(Named.of(name, new Feed(incarnations, sequences, List.of(expected))));
    }

    static Stream<Arguments> feeds() {
        HeartbeatOutcome ok = HeartbeatOutcome.ACCEPTED;
        return Stream.of(
                feed("shouldAcceptIncreasingSequences", List.of("i1", "i1", "i1"), List.of(0L, 1L, 2L), ok, ok, ok),
                feed("shouldAcceptASequenceGap", List.of("i1", "i1"), List.of(0L, 5L), ok, ok),
                feed("shouldIgnoreADuplicateSequence", List.of("i1", "i1", "i1"), List.of(0L, 1L, 1L),
                        ok, ok, HeartbeatOutcome.DUPLICATE),
                feed("shouldIgnoreAnOutOfOrderSequence", List.of("i1", "i1", "i1"), List.of(0L, 2L, 1L),
                        ok, ok, HeartbeatOutcome.OUT_OF_ORDER),
                feed("shouldAcceptANewIncarnationStartingAtSequenceZero", List.of("i1", "i1", "i2"),
                        List.of(0L, 9L, 0L), ok, ok, ok),
                feed("shouldIgnoreALateHeartbeatOfAReplacedIncarnation", List.of("i1", "i2", "i1"),
                        List.of(4L, 0L, 5L), ok, ok, HeartbeatOutcome.STALE_INCARNATION),
                feed("shouldNotLetAnOldIncarnationComeBackAfterTwoRestarts", List.of("i1", "i2", "i3", "i1", "i2"),
                        List.of(0L, 0L, 0L, 1L, 1L), ok, ok, ok, HeartbeatOutcome.STALE_INCARNATION,
                        HeartbeatOutcome.STALE_INCARNATION));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("feeds")
    void shouldClassifyHeartbeats(Feed feed) {
        List<HeartbeatOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < feed.sequences().size(); i++) {
            outcomes.add(feed("a", feed.incarnations().get(i), feed.sequences().get(i), i * 100L));
        }
        assertThat(outcomes).containsExactlyElementsOf(feed.expected());
    }

    @Test
    void shouldNotLetDuplicateOrReorderedHeartbeatsKeepASilentServerUp() {
        feed("a", "i1", 0, 0);
        feed("a", "i1", 5, 100);
        loop(0, 400);
        // A producer retry appends seq 5 again, then a reordered seq 3: neither is news from the agent.
        detector.onHeartbeat(beat("a", "i1", 5, 100), t(500));
        detector.onHeartbeat(beat("a", "i1", 3, 80), t(600));

        assertThat(described(loop(450, 900)))
                .containsExactly("DOWN a: no heartbeat for 700 ms (timeout 700 ms)");
    }

    @Test
    void shouldVoidWhatTheOldIncarnationReportedWhenTheAgentRestarts() {
        detector.onHeartbeat(beat("a", "i1", 7, 0,
                List.of(new HostedRole("r1", 3, RoleState.RUNNING, new Endpoint("a.example", 9000))),
                List.of(new DatabaseReach("r1", false))), t(0));
        detector.onHeartbeat(beat("a", "i2", 0, 100), t(100));
        detector.onHeartbeat(beat("a", "i1", 8, 50,
                List.of(new HostedRole("r1", 3, RoleState.RUNNING, null)), List.of()), t(150));

        ServerView a = caughtUpAndEvaluate(200).view().find("a");
        assertThat(a.incarnation()).isEqualTo("i2");
        assertThat(a.roles()).isEmpty();
        assertThat(a.databases()).isEmpty();
        assertThat(a.reachesDatabaseOf("r1")).isTrue();
        assertThat(a.upSince()).isEqualTo(t(100));
    }

    @Test
    void shouldKeepWhenARoleFirstReachedItsReportedEpochAndState() {
        List<DatabaseReach> reach = List.of(new DatabaseReach("r1", true));
        detector.onHeartbeat(beat("a", "i1", 0, 0,
                List.of(new HostedRole("r1", 2, RoleState.RUNNING, null)), reach), t(0));
        detector.onHeartbeat(beat("a", "i1", 1, 100,
                List.of(new HostedRole("r1", 2, RoleState.FAILED, null)), reach), t(100));
        detector.onHeartbeat(beat("a", "i1", 2, 200,
                List.of(new HostedRole("r1", 2, RoleState.FAILED, null)), reach), t(200));

        ServerView a = caughtUpAndEvaluate(200).view().find("a");
        assertThat(a.role("r1")).hasValueSatisfying(role -> {
            assertThat(role.state()).isEqualTo(RoleState.FAILED);
            assertThat(role.since()).isEqualTo(t(100));
        });
        assertThat(a.database("r1")).hasValueSatisfying(db -> assertThat(db.since()).isEqualTo(t(0)));
    }

    // --- judging silence --------------------------------------------------------------------------------------

    static Stream<Arguments> silences() {
        return Stream.of(
                Arguments.of(Named.of("shouldKeepServerUpOneMillisecondBeforeTheTimeout", 699L), false),
                Arguments.of(Named.of("shouldDeclareServerDownWhenSilentForExactlyTheTimeout", 700L), true),
                Arguments.of(Named.of("shouldDeclareServerDownWhenSilentLongerThanTheTimeout", 812L), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("silences")
    void shouldJudgeSilenceAgainstTheTimeout(long silenceMs, boolean down) {
        feed("a", "i1", 0, 1000);
        caughtUp(1000 + silenceMs);

        Evaluation evaluation = detector.evaluate(t(1000 + silenceMs));

        assertThat(evaluation.transitions()).hasSize(down ? 2 : 1);
        assertThat(evaluation.view().find("a").state()).isEqualTo(down ? ServerState.DOWN : ServerState.UP);
    }

    @Test
    void shouldSayHowLongTheServerWasSilentAndWhenItLastBeat() {
        detector.onHeartbeat(beat("a", "i1", 0, 995), t(1000));
        for (long ms = 1000; ms <= 1600; ms += 200) {
            caughtUpAndEvaluate(ms);
        }

        Evaluation evaluation = caughtUpAndEvaluate(1812);

        ServerTransition.Down down = (ServerTransition.Down) evaluation.transitions().get(0);
        assertThat(down.cause()).isEqualTo("no heartbeat for 812 ms (timeout 700 ms)");
        assertThat(down.silence()).isEqualTo(Duration.ofMillis(812));
        ServerDown event = down.toEvent(UUID.randomUUID());
        assertThat(event.occurredAt()).isEqualTo(t(1812));
        assertThat(event.lastHeartbeatAt()).as("send time, not record time").isEqualTo(t(995));
        assertThat(event.incarnation()).isEqualTo("i1");
        ServerView a = evaluation.view().find("a");
        assertThat(a.downSince()).isEqualTo(t(1812));
        assertThat(a.downCause()).isEqualTo(down.cause());
        assertThat(a.upSince()).isNull();
    }

    @Test
    void shouldJudgeAgainstTheConsumersReadPositionNotTheWallClock() {
        feed("a", "i1", 0, 0);
        detector.onProgress(ConsumerProgress.behind(t(500)));

        Evaluation evaluation = detector.evaluate(t(200));
        evaluation = detector.evaluate(t(400));
        evaluation = detector.evaluate(t(600));

        assertThat(evaluation.transitions()).isEmpty();
        assertThat(evaluation.view().find("a").state()).isEqualTo(ServerState.UP);
        assertThat(evaluation.view().horizon()).isEqualTo(t(500));
    }

    @Test
    void shouldNeverJudgeBeyondNowEvenWhenTheReadPositionIsAhead() {
        feed("a", "i1", 0, 0);
        caughtUp(5000);

        assertThat(detector.evaluate(t(650)).transitions()).hasSize(1);
        assertThat(described(detector.evaluate(t(700)).transitions()))
                .containsExactly("DOWN a: no heartbeat for 700 ms (timeout 700 ms)");
    }

    @Test
    void shouldDeclareNothingDownWhileNoConsumerProgressWasReported() {
        feed("a", "i1", 0, 0);
        Evaluation evaluation = null;
        for (long ms = 0; ms <= 5000; ms += 50) {
            evaluation = detector.evaluate(t(ms));
            assertThat(evaluation.transitions()).noneMatch(ServerTransition.Down.class::isInstance);
        }
        assertThat(evaluation.deferredBecause()).isEqualTo("no consumer progress reported yet");
        assertThat(evaluation.view().ready()).isFalse();
    }

    @Test
    void shouldNotMoveTheReadPositionBack() {
        caughtUp(900);
        detector.onProgress(ConsumerProgress.behind(t(400)));

        assertThat(detector.evaluate(t(900)).view().horizon()).isEqualTo(t(900));
    }

    @Test
    void shouldDeferJudgingForOneRoundWhenTheEvaluationLoopWasLate() {
        feed("a", "i1", 0, 0);
        caughtUpAndEvaluate(0);
        // The loop stalls for 2 s; the consumer's first poll afterwards claims to be caught up.
        Evaluation late = caughtUpAndEvaluate(2000);

        assertThat(late.transitions()).isEmpty();
        assertThat(late.deferred()).isTrue();
        assertThat(late.deferredBecause())
                .isEqualTo("evaluation loop late: 2000 ms since the previous evaluation (limit 250 ms); "
                        + "judging deferred one round");

        Evaluation next = caughtUpAndEvaluate(2050);
        assertThat(next.deferred()).isFalse();
        assertThat(described(next.transitions())).containsExactly("DOWN a: no heartbeat for 2050 ms (timeout 700 ms)");
    }

    @Test
    void shouldJudgeNormallyWhenTheLoopIsOnTime() {
        feed("a", "i1", 0, 0);
        caughtUpAndEvaluate(0);
        for (long ms = 250; ms <= 750; ms += 250) {
            assertThat(caughtUpAndEvaluate(ms).deferred()).isFalse();
        }
        assertThat(detector.evaluate(t(750)).view().find("a").state()).isEqualTo(ServerState.DOWN);
    }

    @Test
    void shouldReportServerUpWithWhenItWasDown() {
        feed("a", "i1", 0, 0);
        loop(0, 700);
        feed("a", "i1", 1, 900);

        ServerTransition.Up up = (ServerTransition.Up) caughtUpAndEvaluate(900).transitions().get(0);
        assertThat(up.downSince()).isEqualTo(t(700));
        assertThat(up.at()).isEqualTo(t(900));
        assertThat(detector.evaluate(t(950)).view().find("a").upSince()).isEqualTo(t(900));
    }

    // --- readiness --------------------------------------------------------------------------------------------

    static Stream<Arguments> readiness() {
        return Stream.of(
                Arguments.of(Named.of("shouldNotBeReadyBeforeAnyProgress", List.<ConsumerProgress>of()), false),
                Arguments.of(Named.of("shouldNotBeReadyWhileReadingTheBacklog",
                        List.of(ConsumerProgress.behind(t(5000)))), false),
                Arguments.of(Named.of("shouldNotBeReadyBeforeTheStreamWasWatchedForTheTimeout",
                        List.of(ConsumerProgress.caughtUp(t(699)))), false),
                Arguments.of(Named.of("shouldBeReadyOnceCaughtUpAndWatchedForTheTimeout",
                        List.of(ConsumerProgress.caughtUp(t(700)))), true),
                Arguments.of(Named.of("shouldStayReadyWhenFallingBehindLater",
                        List.of(ConsumerProgress.caughtUp(t(800)), ConsumerProgress.behind(t(800)))), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readiness")
    void shouldBeReadyOnlyWhenAnUnknownServerIsKnownToBeSilent(List<ConsumerProgress> progress, boolean ready) {
        progress.forEach(detector::onProgress);

        assertThat(detector.evaluate(t(10_000)).view().ready()).isEqualTo(ready);
    }

    // --- the broker's own silence ------------------------------------------------------------------------------

    /** Servers a and b beat every 100 ms from {@code fromMs} to {@code untilMs}, read as they arrive. */
    private void bothBeat(long fromMs, long untilMs) {
        for (long ms = fromMs; ms <= untilMs; ms += 100) {
            feed("a", "i1", ms, ms);
            feed("b", "i1", ms, ms);
            caughtUpAndEvaluate(ms);
        }
    }

    @Test
    void shouldDeclareNobodyDownWhileTheBrokerAppendsNothing() {
        bothBeat(0, 1000);

        // The broker is paused for 3 s: polls return nothing and claim no lag (the cached lag of the last fetch),
        // while the wall clock runs on.
        List<ServerTransition> transitions = new ArrayList<>();
        for (long ms = 1050; ms <= 4000; ms += 50) {
            detector.onProgress(ConsumerProgress.caughtUp(t(ms)));
            transitions.addAll(detector.evaluate(t(ms)).transitions());
        }

        assertThat(transitions).isEmpty();
        assertThat(detector.evaluate(t(4050)).view().find("a").state()).isEqualTo(ServerState.UP);
    }

    @Test
    void shouldGiveEveryServerAFullTimeoutAfterTheStreamResumes() {
        bothBeat(0, 1000);
        for (long ms = 1050; ms <= 4000; ms += 50) {
            detector.onProgress(ConsumerProgress.caughtUp(t(ms)));
            detector.evaluate(t(ms));
        }

        // The broker answers again at 4000: b's heartbeats are read from then on; a's producer reconnects later.
        List<ServerTransition> transitions = new ArrayList<>();
        for (long ms = 4000; ms < 4700; ms += 100) {
            feed("b", "i1", ms, ms);
            transitions.addAll(caughtUpAndEvaluate(ms).transitions());
        }

        assertThat(transitions).isEmpty();
        assertThat(detector.lastStreamGap()).isEqualTo(new StreamGap(t(1000), t(4000)));
        assertThat(detector.lastStreamGap().length()).isEqualTo(Duration.ofMillis(3000));
        // Still silent a full timeout after the stream came back: that silence is a's own.
        feed("b", "i1", 4700, 4700);
        assertThat(described(caughtUpAndEvaluate(4700).transitions()))
                .containsExactly("DOWN a: no heartbeat for 700 ms (timeout 700 ms)");
    }

    @Test
    void shouldDeclareASilentServerDownWhileAnotherKeepsTheStreamRunning() {
        bothBeat(0, 1000);

        List<ServerTransition> transitions = new ArrayList<>();
        for (long ms = 1100; ms <= 1700; ms += 100) {
            feed("b", "i1", ms, ms);
            transitions.addAll(caughtUpAndEvaluate(ms).transitions());
        }

        assertThat(described(transitions)).containsExactly("DOWN a: no heartbeat for 700 ms (timeout 700 ms)");
        assertThat(detector.lastStreamGap()).isNull();
    }

    @Test
    void shouldNotJudgeFurtherThanHalfAHeartbeatIntervalPastTheLastRecordRead() {
        bothBeat(0, 1000);
        feed("b", "i1", 1600, 1600);

        // Read position and wall clock at 1800, but the broker was last heard of at 1600: judged at 1650, a's
        // silence is 650 ms, under the timeout.
        detector.onProgress(ConsumerProgress.caughtUp(t(1800)));

        assertThat(detector.evaluate(t(1800)).transitions()).isEmpty();
    }

    // --- safety brake -----------------------------------------------------------------------------------------

    @Test
    void shouldHoldFailoversAndSaySoWhenMostServersFallSilentAtOnce() {
        bothBeat(0, 1000);

        // The broker still runs (the placement's own heartbeats are read) but a and b are not heard any more
        List<ServerTransition> transitions = new ArrayList<>();
        Evaluation last = null;
        for (long ms = 1050; ms <= 3000; ms += 50) {
            last = caughtUpAndEvaluate(ms);
            transitions.addAll(last.transitions());
        }

        assertThat(transitions).isEmpty();
        assertThat(last.view().safetyBrake().describe()).isEqualTo("2 of 2 servers fell silent at once (a, b): suspecting the"
                + " broker or the placement itself, failovers held since " + t(1700) + " until heartbeats return or an"
                + " operator releases the brake");
        assertThat(detector.safetyBrake().engaged().silent()).containsExactly("a", "b");
    }

    @Test
    void shouldDeclareTheSilentServersDownWhenAnOperatorReleasesTheBrake() {
        bothBeat(0, 1000);
        for (long ms = 1050; ms <= 2000; ms += 50) {
            caughtUpAndEvaluate(ms);
        }

        detector.safetyBrake().override();
        Evaluation released = caughtUpAndEvaluate(2050);

        assertThat(described(released.transitions())).containsExactly(
                "DOWN a: no heartbeat for 1050 ms (timeout 700 ms)", "DOWN b: no heartbeat for 1050 ms (timeout 700 ms)");
        assertThat(released.view().safetyBrake()).isNull();
    }

    @Test
    void shouldReleaseTheBrakeWhenHeartbeatsReturn() {
        bothBeat(0, 1000);
        for (long ms = 1050; ms <= 2000; ms += 50) {
            caughtUpAndEvaluate(ms);
        }

        feed("a", "i1", 2000, 2050);
        feed("b", "i1", 2000, 2050);
        Evaluation back = caughtUpAndEvaluate(2050);

        assertThat(back.transitions()).isEmpty();
        assertThat(back.view().safetyBrake()).isNull();
        assertThat(back.view().find("a").state()).isEqualTo(ServerState.UP);
    }

    // --- flapping ---------------------------------------------------------------------------------------------

    @Test
    void shouldCountDownTransitionsInTheFlapWindow() {
        long ms = 0;
        long sequence = 0;
        for (int down = 1; down <= 3; down++) {
            feed("a", "i1", sequence++, ms);
            loop(ms, ms + 700);
            ServerView a = detector.evaluate(t(ms + 700)).view().find("a");
            assertThat(a.recentDowns()).isEqualTo(down);
            assertThat(a.flapping()).as("DOWN %s times, threshold 2", down).isEqualTo(down > 2);
            ms += 60_000;
        }
        feed("a", "i1", sequence, ms);
        caughtUpAndEvaluate(ms);
        ServerView stillFlapping = caughtUpAndEvaluate(ms + 50).view().find("a");
        assertThat(stillFlapping.state()).isEqualTo(ServerState.UP);
        assertThat(stillFlapping.flapping()).isTrue();

        // Ten minutes after the first DOWN (at 700 ms) it drops out of the window.
        detector.evaluate(t(600_650));
        ServerView calmer = detector.evaluate(t(600_700)).view().find("a");
        assertThat(calmer.recentDowns()).isEqualTo(2);
        assertThat(calmer.flapping()).isFalse();
    }

    // --- maintenance ------------------------------------------------------------------------------------------

    @Test
    void shouldReportMaintenanceOverLivenessAndRestartTheStabilizationClockWhenItEnds() {
        feed("a", "i1", 0, 0);
        detector.startMaintenance("a", t(100));
        ServerView inMaintenance = caughtUpAndEvaluate(100).view().find("a");
        assertThat(inMaintenance.state()).isEqualTo(ServerState.MAINTENANCE);
        assertThat(inMaintenance.alive()).isTrue();
        assertThat(inMaintenance.upSince()).isNull();

        feed("a", "i1", 1, 200);
        detector.endMaintenance("a", t(250));
        ServerView back = caughtUpAndEvaluate(250).view().find("a");
        assertThat(back.state()).isEqualTo(ServerState.UP);
        assertThat(back.upSince()).isEqualTo(t(250));
    }

    @Test
    void shouldApplyMaintenanceToAServerThatJoinsLater() {
        detector.startMaintenance("b", t(0));
        feed("b", "i1", 0, 100);

        assertThat(caughtUpAndEvaluate(100).view().find("b").state()).isEqualTo(ServerState.MAINTENANCE);
    }

    @Test
    void shouldStillDetectSilenceOfAServerInMaintenance() {
        feed("a", "i1", 0, 0);
        detector.startMaintenance("a", t(0));

        assertThat(described(loop(0, 700))).containsExactly("JOINED a i1",
                "DOWN a: no heartbeat for 700 ms (timeout 700 ms)");
        ServerView a = detector.evaluate(t(750)).view().find("a");
        assertThat(a.state()).isEqualTo(ServerState.MAINTENANCE);
        assertThat(a.alive()).isFalse();
    }

    @Test
    void shouldForgetADecommissionedServer() {
        feed("a", "i1", 0, 0);
        detector.forget("a");

        assertThat(caughtUpAndEvaluate(50).view().server("a")).isEmpty();
    }
}
