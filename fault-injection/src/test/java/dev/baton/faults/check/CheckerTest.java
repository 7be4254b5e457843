package dev.baton.faults.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.faults.check.History.AgentDeath;
import dev.baton.faults.check.History.AuditView;
import dev.baton.faults.check.History.Hang;
import dev.baton.faults.check.History.Incident;
import dev.baton.faults.check.History.Move;
import dev.baton.faults.check.History.RequestTally;
import dev.baton.faults.check.History.RoleEnd;
import dev.baton.faults.check.History.ScenarioWindow;
import dev.baton.faults.check.History.Span;
import dev.baton.faults.check.History.StateReport;
import dev.baton.faults.check.Violation.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CheckerTest {
    private static final UUID E1 = UUID.randomUUID();
    private static final UUID E2 = UUID.randomUUID();

    /** A clean failover: r1 RUNNING on a, a killed at 1000, RUNNING on b from 2100; every record stored. */
    private static final class Builder {
        List<ScenarioWindow> scenarios = new ArrayList<>(List.of(new ScenarioWindow("kill-agent-host", 900, 3000, 1200)));
        List<StateReport> states = new ArrayList<>(List.of(
                new StateReport("r1", "a", 1, "RUNNING", 100),
                new StateReport("r1", "b", 2, "RUNNING", 2100)));
        List<Span> spans = new ArrayList<>(List.of(
                new Span("r1", "a", "11", 100, 1150),
                new Span("r1", "b", "12", 2100, 5000)));
        List<AgentDeath> deaths = new ArrayList<>(List.of(new AgentDeath("a", 1000)));
        AuditView audit = new AuditView(Map.of(E1, "baton.role-events/0/0", E2, "baton.role-events/0/1"),
                Set.of(E1, E2), List.of());
        List<Hang> hangs = new ArrayList<>();
        List<RoleEnd> ends = new ArrayList<>(List.of(new RoleEnd("r1", true, "b", "b", "RUNNING")));
        List<Incident> incidents = new ArrayList<>();

        History build() {
            return new History(scenarios, states, spans, deaths, audit,
                    List.of(new RequestTally("kill-agent-host", 900, 3)), hangs, ends, incidents,
                    List.of(new Move("r1", "FAILOVER", "b", 2000)), 5000);
        }
    }

    @Test
    void shouldPassACleanFailover() {
        Verdict verdict = Checker.check(new Builder().build());

        assertThat(verdict.violations()).isEmpty();
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.failedRequests()).isEqualTo(3);
        assertThat(verdict.movesByScenario()).containsEntry("kill-agent-host", 1L);
    }

    @Test
    void shouldCatchAnOverlapInTheAgentsReportsAndMeasureIt() {
        Builder history = new Builder();
        // a was only paused, not killed: it reports STOPPED (fenced) at 2400, 300 ms after b reported RUNNING.
        history.deaths.clear();
        history.states.add(new StateReport("r1", "a", 1, "STOPPED", 2400));
        history.spans.clear();

        Verdict verdict = Checker.check(history.build());

        assertThat(verdict.overlaps()).singleElement().satisfies(o -> {
            assertThat(o.millis()).isEqualTo(300);
            assertThat(o.fromMs()).isEqualTo(2100);
            assertThat(o.source()).isEqualTo("role-events");
            assertThat(o.scenario()).isEqualTo("kill-agent-host");
        });
        assertThat(verdict.violations()).extracting(Violation::kind).containsExactly(Kind.OVERLAP);
    }

    @Test
    void shouldCatchAnOverlapInThePluginsOwnLogEvenWhenTheReportsLookClean() {
        Builder history = new Builder();
        history.spans.set(0, new Span("r1", "a", "11", 100, 2150));

        Verdict verdict = Checker.check(history.build());

        assertThat(verdict.overlaps()).singleElement().satisfies(o -> {
            assertThat(o.millis()).isEqualTo(50);
            assertThat(o.source()).isEqualTo("plugin log");
        });
        assertThat(verdict.passed()).isFalse();
    }

    @Test
    void shouldNotCountTwoProcessesOnOneServerOrTwoRolesAsAnOverlap() {
        Builder history = new Builder();
        history.spans.add(new Span("r1", "b", "13", 2000, 2200));
        history.spans.add(new Span("r2", "a", "14", 100, 5000));

        assertThat(Checker.check(history.build()).overlaps()).isEmpty();
    }

    @Test
    void shouldCloseAKilledAgentsRunningReportAtItsDeath() {
        Builder history = new Builder();
        history.deaths.set(0, new AgentDeath("a", 2600));

        Verdict verdict = Checker.check(history.build());

        assertThat(verdict.overlaps()).singleElement().satisfies(o -> assertThat(o.millis()).isEqualTo(500));
    }

    @Test
    void shouldCatchARecordMissingFromTheAuditStore() {
        Builder history = new Builder();
        history.audit = new AuditView(history.audit.onTopics(), Set.of(E1), List.of());

        Verdict verdict = Checker.check(history.build());

        assertThat(verdict.lostEvents()).isEqualTo(1);
        assertThat(verdict.violations()).singleElement().satisfies(v -> {
            assertThat(v.kind()).isEqualTo(Kind.LOSS);
            assertThat(v.detail()).contains("baton.role-events/0/1").contains(E2.toString());
        });
    }

    @Test
    void shouldCatchARecordStoredTwice() {
        Builder history = new Builder();
        history.audit = new AuditView(history.audit.onTopics(), Set.of(E1, E2), List.of("baton.role-events/0/1"));

        assertThat(Checker.check(history.build()).violations()).extracting(Violation::kind).containsExactly(Kind.LOSS);
    }

    @Test
    void shouldCatchAHungRequest() {
        Builder history = new Builder();
        history.hangs.add(new Hang("kill-agent-host", "r1", 1200, 10_000));

        Verdict verdict = Checker.check(history.build());

        assertThat(verdict.hungRequests()).isEqualTo(1);
        assertThat(verdict.violations()).singleElement().satisfies(v -> {
            assertThat(v.kind()).isEqualTo(Kind.HANG);
            assertThat(v.scenario()).isEqualTo("kill-agent-host");
        });
    }

    @Test
    void shouldCatchARoleThatCouldRunButDoesNotServe() {
        Builder history = new Builder();
        history.ends.set(0, new RoleEnd("r1", true, null, "b", "RUNNING"));

        Verdict verdict = Checker.check(history.build());

        assertThat(verdict.violations()).extracting(Violation::kind).containsExactly(Kind.LIVENESS, Kind.LIVENESS);
    }

    @Test
    void shouldCatchARoleReportedOnOneServerButServedByAnother() {
        Builder history = new Builder();
        history.ends.set(0, new RoleEnd("r1", true, "a", "b", "RUNNING"));

        assertThat(Checker.check(history.build()).violations()).singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("reported RUNNING on b but a answers"));
    }

    @Test
    void shouldAcceptARoleWithNoEligibleServerThatDoesNotServe() {
        Builder history = new Builder();
        history.ends.set(0, new RoleEnd("r1", false, null, null, "UNPLACED"));

        assertThat(Checker.check(history.build()).violations()).isEmpty();
    }

    @Test
    void shouldReportAScenarioThatNeverRecoveredAndEveryIncident() {
        Builder history = new Builder();
        history.scenarios.add(new ScenarioWindow("kill-broker", 3000, 9000, -1));
        history.incidents.add(new Incident("hostile-rest", "GET /roles/x answered 500"));

        assertThat(Checker.check(history.build()).violations()).extracting(Violation::kind)
                .containsExactly(Kind.RECOVERY, Kind.INCIDENT);
    }
}
