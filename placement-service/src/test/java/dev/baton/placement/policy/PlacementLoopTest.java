package dev.baton.placement.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.Heartbeat;
import dev.baton.events.MoveReason;
import dev.baton.events.ServerKind;
import dev.baton.placement.detector.ConsumerProgress;
import dev.baton.placement.detector.TestTiming;
import dev.baton.placement.detector.Evaluation;
import dev.baton.placement.detector.FailureDetector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The read, decide, act loop with the real detector and policy on simulated time: agents beat every 100 ms, the
 * loop runs every 50 ms, the consumer is caught up unless the loop pauses.
 */
class PlacementLoopTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final List<RoleConfig> ROLES = List.of(
            new RoleConfig("r1", List.of("a", "b"), true, Duration.ofSeconds(2), null),
            new RoleConfig("r2", List.of("b", "a"), false, Duration.ZERO, null));

    private final FailureDetector detector = new FailureDetector(TestTiming.detector(), T0);
    private final PlacementPolicy policy = new PlacementPolicy(PolicyConfig.defaults());
    private final List<String> log = new ArrayList<>();
    private final List<Heartbeat> backlog = new ArrayList<>();
    private Assignments assignments = Assignments.empty();
    private long sequence;

    private static Instant t(long ms) {
        return T0.plusMillis(ms);
    }

    /** Runs the loop from {@code fromMs} to {@code toMs}; {@code aAlive} and pauses decide what happens. */
    private void run(long fromMs, long toMs, boolean aAlive, long pauseFrom, long pauseTo) {
        for (long ms = fromMs; ms <= toMs; ms += 50) {
            if (ms % 100 == 0) {
                for (String server : aAlive ? List.of("a", "b") : List.of("b")) {
                    backlog.add(new Heartbeat(UUID.randomUUID(), t(ms), server, server + "-1", sequence++,
                            server + ".example", ServerKind.EXPANSION, List.of(), List.of()));
                }
            }
            if (ms >= pauseFrom && ms < pauseTo) {
                continue;
            }
            // read
            backlog.forEach(heartbeat -> detector.onHeartbeat(heartbeat, heartbeat.occurredAt()));
            backlog.clear();
            detector.onProgress(ConsumerProgress.caughtUp(t(ms)));
            // decide
            Evaluation evaluation = detector.evaluate(t(ms));
            long now = ms;
            evaluation.transitions().forEach(transition -> log.add(now + " " + transition.getClass().getSimpleName()
                    + " " + transition.serverId()));
            if (!evaluation.view().ready()) {
                continue;
            }
            Decision decision = policy.decide(ROLES, evaluation.view(), assignments, t(ms));
            // act
            decision.moves().forEach(move -> log.add(now + " " + move.reason() + " " + move.roleId() + " "
                    + move.from() + "->" + move.to()));
            assignments = decision.next();
        }
    }

    @Test
    void shouldMoveRoleToNextServerWhenPrimaryStopsBeatingAndBackAfterTheFailbackDelay() {
        run(0, 1000, true, -1, -1);
        run(1050, 3000, false, -1, -1);
        run(3050, 6000, true, -1, -1);

        assertThat(log).containsExactly(
                "0 Joined a", "0 Joined b",
                "700 INITIAL r1 null->a", "700 INITIAL r2 null->b",
                "1700 Down a", "1700 FAILOVER r1 a->b",
                "3100 Up a", "5100 FAILBACK r1 b->a");
        assertThat(assignments.find("r1").epoch()).isEqualTo(3);
        assertThat(assignments.find("r2").epoch()).isEqualTo(1);
    }

    @Test
    void shouldNotFailOverAnythingWhenThePlacementItselfPauses() {
        run(0, 6000, true, 1000, 4000);

        assertThat(log).containsExactly("0 Joined a", "0 Joined b", "700 INITIAL r1 null->a", "700 INITIAL r2 null->b");
        assertThat(assignments.all()).extracting(Assignment::epoch).containsOnly(1L);
    }

    @Test
    void shouldDetectAndMoveWithinTheFailoverBudget() {
        run(0, 1000, true, -1, -1);
        run(1050, 2000, false, -1, -1);

        long movedAt = log.stream().filter(line -> line.contains(MoveReason.FAILOVER.name()))
                .mapToLong(line -> Long.parseLong(line.split(" ")[0])).findFirst().orElseThrow();
        // a's last heartbeat was at 1000 ms, its kill somewhere before 1100 ms.
        assertThat(movedAt - 1000).isLessThanOrEqualTo(750);
    }
}
