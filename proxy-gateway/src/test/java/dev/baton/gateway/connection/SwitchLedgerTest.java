package dev.baton.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.gateway.connection.SwitchLedger.Outcomes;
import dev.baton.gateway.connection.SwitchLedger.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwitchLedgerTest {
    private final SwitchLedger ledger = new SwitchLedger("billing");

    @Test
    void shouldReportOneMoveOnceEveryConnectionIsRepointed() {
        ledger.moved(2, 1_000L);
        ledger.joined(1, 2, SwitchCause.MOVE);
        ledger.joined(2, 2, SwitchCause.MOVE);
        assertThat(ledger.settle()).isEmpty();

        assertThat(ledger.reconnected(1, 1_120, 10)).isEmpty();
        List<Report> reports = ledger.reconnected(2, 1_150, 5);

        assertThat(reports).containsExactly(new Report("billing", 2, SwitchCause.MOVE, 2, 0, 120, 15, null, idle(2)));
        assertThat(ledger.openEpoch()).isEqualTo(-1);
    }

    @Test
    void shouldReportNothingForAMoveWithoutConnections() {
        ledger.moved(2, 1_000L);

        assertThat(ledger.settle()).isEmpty();
        assertThat(ledger.openEpoch()).isEqualTo(-1);
    }

    @Test
    void shouldReportFailuresWithTheFirstReason() {
        ledger.moved(3, 0L);
        ledger.joined(1, 3, SwitchCause.MOVE);
        ledger.joined(2, 3, SwitchCause.MOVE);
        ledger.joined(3, 3, SwitchCause.MOVE);

        ledger.reconnected(1, 50, 0);
        ledger.closed(2, "first reason");
        List<Report> reports = ledger.closed(3, "second reason");

        assertThat(reports).containsExactly(new Report("billing", 3, SwitchCause.MOVE, 1, 2, 50, 0, "first reason", idle(1)));
    }

    @Test
    void shouldNotCountAClientThatLeftWhileSwitching() {
        ledger.moved(2, 0L);
        ledger.joined(1, 2, SwitchCause.MOVE);
        ledger.joined(2, 2, SwitchCause.MOVE);

        ledger.left(1);
        List<Report> reports = ledger.reconnected(2, 30, 0);

        assertThat(reports).singleElement().satisfies(report -> assertThat(report.moved()).isEqualTo(1));
    }

    @Test
    void shouldCarryWaitingConnectionsOverToASupersedingMove() {
        ledger.moved(2, 0L);
        ledger.joined(1, 2, SwitchCause.MOVE);
        ledger.joined(2, 2, SwitchCause.MOVE);
        ledger.reconnected(1, 40, 3);

        List<Report> superseded = ledger.moved(3, 100L);
        ledger.joined(1, 3, SwitchCause.MOVE);

        assertThat(superseded).containsExactly(new Report("billing", 2, SwitchCause.MOVE, 1, 0, 40, 3, null, idle(1)));
        assertThat(ledger.pending()).isEqualTo(2);
        ledger.reconnected(2, 130, 0);
        assertThat(ledger.reconnected(1, 160, 0))
                .containsExactly(new Report("billing", 3, SwitchCause.MOVE, 2, 0, 30, 0, null, idle(2)));
    }

    @Test
    void shouldUseARefinedMoveTime() {
        ledger.moved(2, 1_000L);
        ledger.joined(1, 2, SwitchCause.MOVE);
        ledger.refineMovedAt(2, 900);

        assertThat(ledger.reconnected(1, 1_000, 0).get(0).reconnectMillis()).isEqualTo(100);
    }

    @Test
    void shouldOpenARoundWhenAnUpstreamIsLostWithoutAMove() {
        ledger.joined(7, 4, SwitchCause.UPSTREAM_LOST);

        assertThat(ledger.openEpoch()).isEqualTo(4);
        assertThat(ledger.reconnected(7, 500, 0))
                .containsExactly(new Report("billing", 4, SwitchCause.UPSTREAM_LOST, 1, 0, -1, 0, null, idle(1)));
    }

    @Test
    void shouldCountReplayedIdleAndRepointedAwaitingConnectionsOfAMove() {
        ledger.moved(2, 0L);
        ledger.joined(1, 2, SwitchCause.MOVE);
        ledger.joined(2, 2, SwitchCause.MOVE);
        ledger.joined(3, 2, SwitchCause.MOVE);

        ledger.reconnected(1, 10, 0, 0, false, -1);
        ledger.reconnected(2, 20, 4, 30, true, -1);
        List<Report> reports = ledger.reconnected(3, 30, 0, 7, false, -1);

        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.moved()).isEqualTo(3);
            assertThat(report.bytesBuffered()).isEqualTo(4);
            assertThat(report.outcomes()).isEqualTo(new Outcomes(1, 1, 1, 0, 30, 0, 0));
        });
    }

    @Test
    void shouldReportAMoveWhoseOnlyOutcomeIsConnectionsClosedForAwaiting() {
        ledger.moved(2, 0L);

        List<Report> reports = ledger.abandoned(1, 2, SwitchCause.MOVE, 5);

        assertThat(reports).containsExactly(new Report("billing", 2, SwitchCause.MOVE, 0, 0, -1, 0, null,
                new Outcomes(0, 0, 0, 1, 0, 0, 0)));
    }

    @Test
    void shouldCountClosuresAfterTheUpstreamWasLostTowardsTheMoveThatFollows() {
        // The host dies: its connections close before the placement has declared it down.
        ledger.joined(1, 1, SwitchCause.UPSTREAM_LOST);
        ledger.abandoned(2, 1, SwitchCause.UPSTREAM_LOST, 1_000);
        List<Report> lost = ledger.abandoned(3, 1, SwitchCause.UPSTREAM_LOST, 1_000);
        assertThat(lost).as("one connection still waits for an upstream").isEmpty();

        ledger.moved(2, 1_300L);
        List<Report> reports = ledger.reconnected(1, 1_400, 0);

        assertThat(reports).containsExactly(new Report("billing", 2, SwitchCause.MOVE, 1, 0, 100, 0, null,
                new Outcomes(1, 0, 0, 2, 0, 0, 0)));
    }

    @Test
    void shouldCarryClosuresOfASettledLossToAMoveWithinTheWindowOnly() {
        SwitchLedger windowed = new SwitchLedger("billing", 500);
        assertThat(windowed.abandoned(1, 1, SwitchCause.UPSTREAM_LOST, 1_000)).singleElement()
                .satisfies(report -> assertThat(report.cause()).isEqualTo(SwitchCause.UPSTREAM_LOST));

        windowed.moved(2, 1_400L);
        assertThat(windowed.settle()).singleElement()
                .satisfies(report -> assertThat(report.outcomes().closedAwaiting()).isEqualTo(1));

        windowed.abandoned(2, 2, SwitchCause.UPSTREAM_LOST, 2_000);
        windowed.moved(3, 9_000L);
        assertThat(windowed.settle()).as("a move long after the loss is not its consequence").isEmpty();
    }

    @Test
    void shouldCountDrainedConnectionsAndTheLongestDrainOfAPlannedMove() {
        ledger.moved(2, 0L);
        ledger.joined(1, 2, SwitchCause.MOVE);
        ledger.joined(2, 2, SwitchCause.MOVE);
        ledger.joined(3, 2, SwitchCause.MOVE);

        ledger.reconnected(1, 10, 0, 0, false, -1);
        ledger.reconnected(2, 60, 5, 0, false, 40);
        List<Report> reports = ledger.reconnected(3, 90, 0, 0, false, 75);

        assertThat(reports).singleElement().satisfies(report ->
                assertThat(report.outcomes()).isEqualTo(new Outcomes(1, 0, 0, 0, 0, 2, 75)));
    }

    private static Outcomes idle(int connections) {
        return new Outcomes(connections, 0, 0, 0, 0, 0, 0);
    }
}
