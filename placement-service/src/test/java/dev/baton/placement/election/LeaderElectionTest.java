package dev.baton.placement.election;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.PlacementHeartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {
    private static final Duration TIMEOUT = Duration.ofMillis(700);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Instant t(long millis) {
        return T0.plusMillis(millis);
    }

    private static PlacementHeartbeat beat(String id, long term, boolean leader) {
        return new PlacementHeartbeat(UUID.randomUUID(), T0, id, "inc-" + id, 1, term, leader, "http://" + id);
    }

    /** Feeds a heartbeat stamped at {@code millis} and marks the stream read through {@code millis}. */
    private static void heard(LeaderElection election, PlacementHeartbeat heartbeat, long millis) {
        election.onHeartbeat(heartbeat, t(millis));
        election.onProgress(t(millis), true);
    }

    /** An instance's heartbeats every 100 ms from {@code fromMillis} to {@code untilMillis}: the broker's clock runs. */
    private static void beats(LeaderElection election, String id, long fromMillis, long untilMillis) {
        for (long ms = fromMillis; ms <= untilMillis; ms += 100) {
            election.onHeartbeat(beat(id, 0, false), t(ms));
        }
    }

    @Test
    void shouldNotClaimLeadershipBeforeItHasReadTheStreamForTheTimeout() {
        LeaderElection election = new LeaderElection("p-1", TIMEOUT, t(0));
        election.onProgress(t(600), true);

        assertThat(election.evaluate(t(600), false, 0)).isInstanceOf(LeaderElection.Follow.class);
    }

    @Test
    void shouldTakeOverInTermOneWhenNoInstanceLeads() {
        LeaderElection election = new LeaderElection("p-1", TIMEOUT, t(0));
        election.onProgress(t(800), true);

        assertThat(election.evaluate(t(800), false, 0)).isEqualTo(new LeaderElection.Lead(1, "no instance leads"));
    }

    @Test
    void shouldFollowAnAliveLeaderAndKnowWhereItsApiAnswers() {
        LeaderElection election = new LeaderElection("p-2", TIMEOUT, t(0));
        heard(election, beat("p-1", 3, true), 900);

        assertThat(election.evaluate(t(900), false, 0)).isEqualTo(new LeaderElection.Follow("p-1", 3, "http://p-1"));
    }

    @Test
    void shouldTakeOverWithAHigherTermWhenTheLeadersHeartbeatsStop() {
        LeaderElection election = new LeaderElection("p-2", TIMEOUT, t(0));
        heard(election, beat("p-1", 3, true), 900);
        beats(election, "p-2", 900, 1600);
        election.onProgress(t(1600), true);

        LeaderElection.Verdict verdict = election.evaluate(t(1600), false, 0);

        assertThat(verdict).isInstanceOf(LeaderElection.Lead.class);
        assertThat(((LeaderElection.Lead) verdict).term()).isEqualTo(4);
        assertThat(((LeaderElection.Lead) verdict).reason()).contains("heartbeats stopped");
    }

    @Test
    void shouldJudgeSilenceOnTheStreamNotTheWallClockAfterAPause() {
        LeaderElection election = new LeaderElection("p-2", TIMEOUT, t(0));
        heard(election, beat("p-1", 3, true), 900);
        // This instance was paused: the wall clock is far ahead, but the stream was read only to 1000 ms.
        election.onProgress(t(1000), true);

        assertThat(election.evaluate(t(5000), false, 0)).isInstanceOf(LeaderElection.Follow.class);
    }

    @Test
    void shouldLeaveTheTakeoverToTheSmallestAliveStandbyFirst() {
        LeaderElection election = new LeaderElection("p-3", TIMEOUT, t(0));
        heard(election, beat("p-1", 1, true), 100);
        heard(election, beat("p-2", 1, false), 1000);

        assertThat(election.evaluate(t(1000), false, 0)).isInstanceOf(LeaderElection.Follow.class);
    }

    @Test
    void shouldTakeOverItselfWhenTheSmallestStandbyDoesNotWithinTheTimeout() {
        LeaderElection election = new LeaderElection("p-3", TIMEOUT, t(0));
        heard(election, beat("p-1", 1, true), 100);
        beats(election, "p-3", 100, 3100);
        heard(election, beat("p-2", 1, false), 1000);
        assertThat(election.evaluate(t(1000), false, 0)).isInstanceOf(LeaderElection.Follow.class);
        heard(election, beat("p-2", 1, false), 2500);
        assertThat(election.evaluate(t(2500), false, 0)).isInstanceOf(LeaderElection.Follow.class);
        heard(election, beat("p-2", 1, false), 3100);

        LeaderElection.Verdict verdict = election.evaluate(t(3100), false, 0);

        assertThat(verdict).isInstanceOf(LeaderElection.Lead.class);
        assertThat(((LeaderElection.Lead) verdict).reason()).contains("p-2 did not take over");
    }

    @Test
    void shouldStepDownWhenAnotherInstanceLeadsInAHigherTerm() {
        LeaderElection election = new LeaderElection("p-1", TIMEOUT, t(0));
        heard(election, beat("p-1", 1, true), 900);
        heard(election, beat("p-2", 2, true), 950);

        LeaderElection.Verdict verdict = election.evaluate(t(950), true, 1);

        assertThat(verdict).isEqualTo(new LeaderElection.StepDown("p-2", 2,
                "p-2 leads in term 2, above this instance's term 1"));
    }

    @Test
    void shouldKeepLeadingWhenOnlyAnOlderTermClaimsLeadership() {
        LeaderElection election = new LeaderElection("p-2", TIMEOUT, t(0));
        heard(election, beat("p-1", 1, true), 900);

        assertThat(election.evaluate(t(900), true, 2)).isEqualTo(new LeaderElection.Follow("p-2", 2, null));
    }

    @Test
    void shouldRememberTheHighestTermEverAnnounced() {
        LeaderElection election = new LeaderElection("p-3", TIMEOUT, t(0));
        heard(election, beat("p-1", 7, true), 100);
        heard(election, beat("p-2", 5, false), 200);

        assertThat(election.highestTerm()).isEqualTo(7);
    }

    @Test
    void shouldStepDownWhenAnInstanceWithASmallerIdLeadsInTheSameTerm() {
        LeaderElection election = new LeaderElection("p-2", TIMEOUT, t(0));
        heard(election, beat("p-1", 1, true), 900);
        heard(election, beat("p-2", 1, true), 950);

        assertThat(election.evaluate(t(950), true, 1)).isEqualTo(new LeaderElection.StepDown("p-1", 1,
                "p-1 also leads in term 1 and has the smaller id"));
    }

    @Test
    void shouldKeepLeadingWhenAnInstanceWithALargerIdClaimsTheSameTerm() {
        LeaderElection election = new LeaderElection("p-1", TIMEOUT, t(0));
        heard(election, beat("p-2", 1, true), 900);

        assertThat(election.evaluate(t(900), true, 1)).isEqualTo(new LeaderElection.Follow("p-1", 1, null));
    }

    @Test
    void shouldNotTakeOverWhileTheStreamStillHasUnreadRecords() {
        LeaderElection election = new LeaderElection("p-2", TIMEOUT, t(0));
        election.onHeartbeat(beat("p-1", 3, true), t(900));
        beats(election, "p-2", 900, 1700);
        // Reading history (or a backlog after a pause): the leader looks silent only because its newer
        // heartbeats have not been read yet.
        election.onProgress(t(1700), false);

        assertThat(election.evaluate(t(1700), false, 0)).isInstanceOf(LeaderElection.Follow.class);

        election.onProgress(t(1700), true);
        assertThat(election.evaluate(t(1700), false, 0)).isInstanceOf(LeaderElection.Lead.class);
    }

    @Test
    void shouldChangeNoLeaderWhenTheBrokerAppendedNothingForAWhile() {
        LeaderElection election = new LeaderElection("p-2", TIMEOUT, t(0));
        heard(election, beat("p-1", 3, true), 900);
        beats(election, "p-2", 900, 900);

        // The broker is paused for 3 s: polls return nothing and claim no lag
        for (long ms = 950; ms <= 3900; ms += 50) {
            election.onProgress(t(ms), true);
            assertThat(election.evaluate(t(ms), false, 0)).isInstanceOf(LeaderElection.Follow.class);
        }
        // It answers again at 3900: p-2's heartbeats arrive first; p-1 gets a full timeout from there
        beats(election, "p-2", 3900, 4500);
        election.onProgress(t(4500), true);
        assertThat(election.evaluate(t(4500), false, 0)).isEqualTo(new LeaderElection.Follow("p-1", 3, "http://p-1"));

        beats(election, "p-2", 4600, 4600);
        election.onProgress(t(4600), true);
        assertThat(election.evaluate(t(4600), false, 0)).as("p-1 silent a full timeout after the broker came back")
                .isInstanceOf(LeaderElection.Lead.class);
    }
}
