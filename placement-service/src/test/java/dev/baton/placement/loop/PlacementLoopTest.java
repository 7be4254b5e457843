package dev.baton.placement.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.baton.events.BatonEvent;
import dev.baton.events.Heartbeat;
import dev.baton.events.MaintenanceStarted;
import dev.baton.events.MoveReason;
import dev.baton.events.PlacementHeartbeat;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleMoved;
import dev.baton.events.SafetyBrakeEngaged;
import dev.baton.events.SafetyBrakeReleased;
import dev.baton.events.ServerDown;
import dev.baton.events.ServerKind;
import dev.baton.placement.detector.FailureDetector;
import dev.baton.placement.detector.ServerState;
import dev.baton.placement.detector.TestTiming;
import dev.baton.placement.election.LeaderElection;
import dev.baton.placement.policy.PlacementPolicy;
import dev.baton.placement.policy.PolicyConfig;
import dev.baton.placement.store.RoleDefinition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real placement loop, one round at a time on a clock the test moves, with fakes of what it talks to: its
 * inputs (no broker), its role store, the leader's publisher (rounds published only when the test runs the
 * publishing worker's tasks) and the announcer.
 */
class PlacementLoopTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration STEP = Duration.ofMillis(50);

    private final MutableClock clock = new MutableClock(T0);
    private final FakeInputs inputs = new FakeInputs(clock);
    private final FakeStore store = new FakeStore(List.of(role("r1", "a", "b", "c")));
    private final ManualExecutor publishing = new ManualExecutor();
    private final List<RecordingPublisher> opened = new CopyOnWriteArrayList<>();
    private final List<BatonEvent> announced = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ServerRegistrar registrar = new ServerRegistrar(store);
    private Set<String> beating = Set.of("a", "b");
    private long sequence;
    private long elapsedMs;
    private PlacementLoop loop;

    @AfterEach
    void closeRegistrar() {
        registrar.close();
    }

    private static RoleDefinition role(String roleId, String... servers) {
        return new RoleDefinition(roleId, 1, List.of(servers), false, Duration.ZERO, null, null, "test", T0, null);
    }

    private PlacementLoop newLoop(Duration takeoverTimeout) {
        FailureDetector detector = new FailureDetector(TestTiming.detector(), clock.instant());
        LeaderElection election = new LeaderElection("p1", Duration.ofMillis(700), clock.instant());
        LeaderChannel channel = new LeaderChannel(() -> {
            RecordingPublisher publisher = new RecordingPublisher();
            opened.add(publisher);
            return publisher;
        }, publishing);
        RoleCatalog catalog = new RoleCatalog(store, Runnable::run, clock, Duration.ofSeconds(1));
        Announcer announcer = new Announcer() {
            @Override
            public void announce(BatonEvent event) {
                announced.add(event);
            }

            @Override
            public void heartbeat(PlacementHeartbeat heartbeat) {
                announced.add(heartbeat);
            }
        };
        return new PlacementLoop("p1", detector, new PlacementPolicy(PolicyConfig.defaults()), election, inputs,
                announcer, channel, catalog, registrar, clock, takeoverTimeout, Duration.ofMillis(350),
                new LoopMetrics(registry, clock));
    }

    /** Runs the loop for {@code ms}: a round every 50 ms, a heartbeat of each beating server every 100 ms. */
    private void run(long ms, boolean acknowledge) {
        for (long end = elapsedMs + ms; elapsedMs < end; elapsedMs += STEP.toMillis()) {
            if (elapsedMs % 100 == 0) {
                for (String server : beating) {
                    inputs.heartbeat(new Heartbeat(UUID.randomUUID(), clock.instant(), server, server + "-1",
                            sequence++, server + ".example", ServerKind.EXPANSION, List.of(), List.of()));
                }
            }
            clock.advance(STEP);
            loop.round();
            if (acknowledge) {
                publishing.runAll();
            }
        }
    }

    /** Runs until this instance leads and role r1 is placed on a, every publish acknowledged. */
    private void leadWithR1OnA() {
        loop = newLoop(Duration.ofSeconds(2));
        run(2_000, true);
        assertThat(loop.control().snapshot().leader()).isTrue();
        assertThat(loop.control().snapshot().hostOf("r1")).contains("a");
    }

    private List<BatonEvent> committed() {
        List<BatonEvent> all = new ArrayList<>();
        opened.forEach(publisher -> publisher.committed().forEach(all::addAll));
        return all;
    }

    private List<RoleAssignment> committedAssignments(String roleId) {
        return committed().stream().filter(RoleAssignment.class::isInstance).map(RoleAssignment.class::cast)
                .filter(a -> a.roleId().equals(roleId) && a.endpoint() == null).toList();
    }

    private double counter(String name) {
        return registry.counter(name).count();
    }

    @Test
    void shouldKeepJudgingServersWhileAPublishIsNeverAcknowledged() {
        leadWithR1OnA();

        // From now on Kafka acknowledges nothing: the next round (a fence probe at least) stays in flight.
        beating = Set.of("b");
        run(1_500, false);

        assertThat(loop.control().snapshot().view().find("a").state()).isEqualTo(ServerState.DOWN);
        assertThat(loop.control().snapshot().at()).as("every round still evaluates").isAfterOrEqualTo(clock.instant().minus(STEP));
        assertThat(publishing.pending()).as("one round in flight, nothing decided while it is").isEqualTo(1);
        assertThat(loop.control().snapshot().hostOf("r1")).contains("a");

        // Kafka answers: the round in flight settles, then the failover is decided once, at the next epoch.
        publishing.runAll();
        run(200, true);

        assertThat(loop.control().snapshot().hostOf("r1")).contains("b");
        assertThat(committedAssignments("r1")).extracting(RoleAssignment::epoch, RoleAssignment::serverId)
                .containsExactly(tuple(1L, "a"), tuple(2L, "b"));
        assertThat(committed()).filteredOn(ServerDown.class::isInstance).hasSize(1);
    }

    @Test
    void shouldAnnounceTheSafetyBrakeWhenItEngagesAndWhenAnOperatorReleasesIt() {
        beating = Set.of("a", "b", "c");
        leadWithR1OnA();

        // Two of three servers fall silent at once: the placement suspects the broker or itself.
        beating = Set.of("c");
        run(1_500, true);

        assertThat(committed()).filteredOn(SafetyBrakeEngaged.class::isInstance).singleElement()
                .isInstanceOfSatisfying(SafetyBrakeEngaged.class, engaged -> {
                    assertThat(engaged.instanceId()).isEqualTo("p1");
                    assertThat(engaged.silentServers()).containsExactly("a", "b");
                    assertThat(engaged.serversHeard()).isEqualTo(3);
                    assertThat(engaged.reason()).contains("2 of 3 servers fell silent at once");
                });
        assertThat(committed()).noneMatch(ServerDown.class::isInstance);
        assertThat(loop.control().snapshot().hostOf("r1")).contains("a");

        loop.control().releaseSafetyBrake("alice");
        run(200, true);

        assertThat(committed()).filteredOn(SafetyBrakeReleased.class::isInstance).singleElement()
                .isInstanceOfSatisfying(SafetyBrakeReleased.class, released -> {
                    assertThat(released.releasedBy()).isEqualTo("alice");
                    assertThat(released.reason()).contains("released by alice");
                });
        assertThat(committed()).filteredOn(ServerDown.class::isInstance).map(event -> ((ServerDown) event).serverId())
                .containsExactlyInAnyOrder("a", "b");
        assertThat(loop.control().snapshot().hostOf("r1")).contains("c");
    }

    @Test
    void shouldAnnounceTheSafetyBrakeReleasedWhenTheServersAreHeardAgain() {
        beating = Set.of("a", "b", "c");
        leadWithR1OnA();
        beating = Set.of("c");
        run(1_500, true);

        beating = Set.of("a", "b", "c");
        run(300, true);

        assertThat(committed()).filteredOn(SafetyBrakeReleased.class::isInstance).singleElement()
                .isInstanceOfSatisfying(SafetyBrakeReleased.class, released -> {
                    assertThat(released.releasedBy()).isNull();
                    assertThat(released.reason()).contains("heard again");
                });
        assertThat(committed()).noneMatch(ServerDown.class::isInstance);
        assertThat(loop.control().snapshot().hostOf("r1")).contains("a");
    }

    @Test
    void shouldLoseNoMaintenanceEventWhenTheStoreFails() {
        leadWithR1OnA();
        int readsBefore = store.roleReads();
        store.down(true);

        // One poll brings a configuration change (its reload fails) and an operator's maintenance of a.
        inputs.configured(role("r1", "a", "b").toEvent(UUID.randomUUID(), clock.instant()));
        inputs.serverEvent(new MaintenanceStarted(UUID.randomUUID(), clock.instant(), "a", "alice"));
        run(300, true);

        assertThat(store.roleReads()).isGreaterThan(readsBefore);
        assertThat(counter("baton_placement_loop_errors_total")).isZero();
        assertThat(loop.control().snapshot().view().find("a").state()).isEqualTo(ServerState.MAINTENANCE);
        assertThat(loop.control().snapshot().hostOf("r1")).contains("b");
        assertThat(committed()).filteredOn(RoleMoved.class::isInstance).map(RoleMoved.class::cast)
                .filteredOn(moved -> moved.reason() == MoveReason.MAINTENANCE)
                .extracting(RoleMoved::from, RoleMoved::to).containsExactly(tuple("a", "b"));
        assertThat(loop.control().snapshot().roles()).as("the definitions loaded before are kept").hasSize(1);

        // The database answers again: the reload is retried within its delay.
        int readsWhileDown = store.roleReads();
        store.down(false);
        run(1_200, true);
        assertThat(store.roleReads()).isGreaterThan(readsWhileDown);
        assertThat(loop.control().snapshot().rolesLoadedAt()).isAfter(T0.plusSeconds(2));
    }

    @Test
    void shouldDecideNothingUntilTheRoleDefinitionsAreLoaded() {
        store.down(true);
        loop = newLoop(Duration.ofSeconds(2));
        run(2_000, true);

        assertThat(loop.control().snapshot().leader()).isTrue();
        assertThat(loop.control().snapshot().deferredBecause()).isEqualTo(PlacementLoop.ROLES_NOT_LOADED);
        assertThat(committedAssignments("r1")).isEmpty();

        store.down(false);
        run(1_200, true);
        assertThat(loop.control().snapshot().hostOf("r1")).contains("a");
    }

    @Test
    void shouldDecideAFailedRoundAgainAtTheSameEpoch() {
        leadWithR1OnA();
        RecordingPublisher publisher = opened.get(opened.size() - 1);
        beating = Set.of("b");
        publisher.failNext(events -> new EventPublisher.PublishException("not acknowledged in time", null));

        run(1_500, true);

        assertThat(counter("baton_placement_publish_failures_total")).isEqualTo(1);
        assertThat(loop.control().snapshot().leader()).isTrue();
        assertThat(committedAssignments("r1")).extracting(RoleAssignment::epoch, RoleAssignment::serverId)
                .containsExactly(tuple(1L, "a"), tuple(2L, "b"));
        assertThat(committed()).filteredOn(ServerDown.class::isInstance).hasSize(1);
    }

    @Test
    void shouldStepDownAndCloseThePublisherWhenFenced() {
        leadWithR1OnA();
        RecordingPublisher publisher = opened.get(opened.size() - 1);
        publisher.failNext(events -> new KafkaLeaderPublisher.Fenced(new ProducerFencedException("a newer leader")));

        // The next fence probe meets the fence; the loop learns it a round later.
        for (int rounds = 0; rounds < 20 && loop.control().snapshot().leader(); rounds++) {
            run(50, true);
        }

        assertThat(loop.control().snapshot().leader()).isFalse();
        assertThat(publisher.closed()).isTrue();
        assertThat(counter("baton_placement_step_downs_total")).isEqualTo(1);
    }

    @Test
    void shouldGoOnLeadingWithANewPublisherWhenTheOldOneBreaksOnItsOwn() {
        leadWithR1OnA();
        long term = loop.control().snapshot().term();
        RecordingPublisher broken = opened.get(opened.size() - 1);
        beating = Set.of("b");
        // The commit timed out while the broker was away: the producer can never commit again, no one fenced it.
        broken.failNext(events -> new KafkaLeaderPublisher.Fenced("the leader's transactional producer cannot go on",
                new org.apache.kafka.common.errors.TimeoutException("Timeout expired while awaiting EndTxn")));

        // Every round, the instance's heartbeat still claims the lead: the standbys see no reason for an election.
        for (int rounds = 0; rounds < 30; rounds++) {
            run(50, true);
            loop.announce(Duration.ofMinutes(1));
        }

        assertThat(announced).filteredOn(PlacementHeartbeat.class::isInstance).map(PlacementHeartbeat.class::cast)
                .hasSize(30).allMatch(heartbeat -> Boolean.TRUE.equals(heartbeat.leader()) && heartbeat.term() == term);
        assertThat(broken.closed()).isTrue();
        assertThat(opened).hasSize(2);
        assertThat(loop.control().snapshot().leader()).isTrue();
        assertThat(loop.control().snapshot().term()).as("no election: the same term").isEqualTo(term);
        assertThat(counter("baton_placement_step_downs_total")).isZero();
        assertThat(opened.get(1).committed()).isNotEmpty();
        assertThat(committedAssignments("r1")).extracting(RoleAssignment::epoch, RoleAssignment::serverId)
                .containsExactly(tuple(1L, "a"), tuple(2L, "b"));
    }

    @Test
    void shouldCloseThePublisherOfATakeoverThatCannotCatchUp() {
        inputs.neverReachAssignmentsEnd();
        loop = newLoop(Duration.ofMillis(300));

        run(1_500, true);

        assertThat(loop.control().snapshot().leader()).isFalse();
        assertThat(opened).isNotEmpty();
        // Every publisher but the one of a takeover still in progress is closed.
        assertThat(opened.subList(0, opened.size() - 1)).allMatch(RecordingPublisher::closed);
        assertThat(opened.get(0).closed()).isTrue();
        assertThat(committed()).isEmpty();
    }

    @Test
    void shouldCloseAPublisherOpenedAfterItsTakeoverWasAbandoned() {
        loop = newLoop(Duration.ofMillis(300));

        // Opening the publisher hangs (its task is not run) past the takeover timeout.
        run(1_500, false);
        assertThat(loop.control().snapshot().leader()).isFalse();
        assertThat(opened).isEmpty();

        // It opens at last, long after the loop gave up on it.
        publishing.runAll();

        assertThat(opened).isNotEmpty();
        assertThat(opened.get(0).closed()).isTrue();
        assertThat(opened.subList(0, opened.size() - 1)).allMatch(RecordingPublisher::closed);
    }
}
