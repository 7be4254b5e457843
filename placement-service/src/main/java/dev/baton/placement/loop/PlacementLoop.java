package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.Heartbeat;
import dev.baton.events.PlacementHeartbeat;
import dev.baton.events.RoleAssignment;
import dev.baton.placement.api.BudgetReset;
import dev.baton.placement.api.PlacementSnapshot;
import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.detector.Evaluation;
import dev.baton.placement.detector.FailureDetector;
import dev.baton.placement.detector.ServerTransition;
import dev.baton.placement.election.LeaderElection;
import dev.baton.placement.policy.Handovers;
import dev.baton.placement.policy.Hold;
import dev.baton.placement.policy.PlacementPolicy;
import dev.baton.placement.policy.RoleConfig;
import dev.baton.placement.policy.RoleStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement loop: read, decide, act, on one thread that never waits for the database or for Kafka's
 * acknowledgements. Each round:
 *
 * <ol>
 *   <li><b>read</b> one poll into the {@link FailureDetector}, the {@link LeaderElection}, the maintenance flags
 *       and (on a standby) the leader's assignments; a configuration change asks the {@link RoleCatalog} for a
 *       reload, which runs on its own worker;</li>
 *   <li><b>apply</b> the admin API's queued commands;</li>
 *   <li><b>settle</b> the round published before, once Kafka has answered: a committed round is applied to the
 *       assignments, a failed one is decided again, a fenced publisher makes the instance step down;</li>
 *   <li><b>elect</b>: one step of the election or of a takeover in progress ({@link Leadership});</li>
 *   <li><b>evaluate</b> every evaluation interval: judge the servers and, on the leader with no round in flight,
 *       decide ({@link Decider}) and hand the round to the {@link LeaderChannel}.</li>
 * </ol>
 *
 * <p>Several instances run this loop; one leads. Every instance reads and evaluates continuously, so a standby
 * that takes over already knows which servers are alive. The detector, the election and the policy hold no I/O;
 * the admin API reads the snapshot and queues requests through {@link LoopControl}; it never touches the loop's
 * state.
 */
final class PlacementLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementLoop.class);
    static final String ROLES_NOT_LOADED = "the role definitions are not loaded from the database yet";

    private final String instanceId;
    private final String incarnation = UUID.randomUUID().toString();
    private final FailureDetector detector;
    private final LeaderElection election;
    private final LoopInputs inputs;
    private final Announcer announcer;
    private final LeaderChannel channel;
    private final Leadership leadership;
    private final Decider decider;
    private final RoleCatalog catalog;
    private final ServerRegistrar registrar;
    private final MaintenanceTracker maintenance;
    private final AssignmentBook book = new AssignmentBook();
    private final ManualMoves manualMoves = new ManualMoves();
    private final Handovers handovers = new Handovers(Handovers.Settings.defaults());
    private final Notices notices;
    private final Clock clock;
    private final Duration evaluationInterval;
    private final Duration fenceProbeInterval;
    private final LoopMetrics metrics;

    /** Budget resets wait while a round is in flight: its commit would overwrite them. */
    private final List<LoopControl.ResetBudget> waitingResets = new ArrayList<>();
    /** Server transitions judged but not yet committed by this leader. */
    private final List<ServerTransition> pendingTransitions = new ArrayList<>();
    /** Safety-brake announcements not yet committed by this leader. */
    private final List<BatonEvent> pendingNotices = new ArrayList<>();
    private boolean restored;
    private Instant lastEvaluation = Instant.EPOCH;
    private Instant lastFenceProbe = Instant.EPOCH;
    private ClusterView lastView;
    private String lastDeferral;
    private List<Hold> lastHeld = List.of();
    private final LoopControl control;
    private volatile boolean running = true;
    private volatile long highestTermSeen;
    /** When the loop last made progress (System.nanoTime): the heartbeat thread goes silent when it stalls. */
    private volatile long progressNanos = System.nanoTime();
    private long instanceSequence;

    /**
     * @param channel publishes the leader's rounds off the loop's thread; opening its publisher fences every
     *     earlier leader
     * @param fenceProbeInterval how often a leader commits a transaction even with nothing to decide, to learn
     *     early that a newer leader fenced it
     */
    PlacementLoop(String instanceId, FailureDetector detector, PlacementPolicy policy, LeaderElection election,
            LoopInputs inputs, Announcer announcer, LeaderChannel channel, RoleCatalog catalog,
            ServerRegistrar registrar, Clock clock, Duration takeoverTimeout, Duration fenceProbeInterval,
            LoopMetrics metrics) {
        this.instanceId = instanceId;
        this.detector = detector;
        this.election = election;
        this.inputs = inputs;
        this.announcer = announcer;
        this.channel = channel;
        this.leadership = new Leadership(instanceId, election, inputs, channel, takeoverTimeout, metrics);
        this.decider = new Decider(policy);
        this.catalog = catalog;
        this.registrar = registrar;
        this.maintenance = new MaintenanceTracker(detector);
        this.notices = new Notices(metrics);
        this.clock = clock;
        this.evaluationInterval = detector.config().evaluationInterval();
        this.fenceProbeInterval = fenceProbeInterval;
        this.metrics = metrics;
        Instant now = clock.instant();
        this.lastView = detector.evaluate(now).view();
        this.control = new LoopControl(snapshotOf(now, "starting", lastView, List.of()));
        catalog.tick(now);
    }

    @Override
    public void run() {
        LOG.info("Placement loop {} running; standing by until the election decides", instanceId);
        while (running) {
            try {
                round();
            } catch (WakeupException e) {
                // stop() woke the poll
            } catch (RuntimeException e) {
                metrics.loopErrors.increment();
                LOG.error("Placement round failed, retrying next round: {}", e.toString(), e);
            }
        }
        manualMoves.rejectAll("placement-service is stopping");
        leadership.close();
        registrar.close();
        LOG.info("Placement loop {} stopped", instanceId);
    }

    /** One round: read, apply commands, settle the round in flight, elect, evaluate. */
    void round() {
        progressNanos = System.nanoTime();
        Instant due = lastEvaluation.plus(evaluationInterval);
        Duration wait = Duration.between(clock.instant(), due);
        read(inputs.poll(wait.isNegative() ? Duration.ZERO : wait));
        applyCommands();
        settle();
        Instant now = clock.instant();
        catalog.tick(now);
        restoreOnce(now);
        highestTermSeen = election.highestTerm();
        boolean ledBefore = leadership.leading();
        leadership.step(now);
        if (!ledBefore && leadership.leading()) {
            // A role created or deleted through another instance may not have been announced here yet: the new
            // leader asks the store again (on the catalog's worker) rather than trust what it last loaded.
            catalog.reload();
        }
        if (!now.isBefore(due)) {
            evaluate(now);
        }
    }

    /** Hands one poll to the detector, the election, maintenance and the assignments; nothing here can fail on I/O. */
    private void read(LoopInputs.Batch batch) {
        for (LoopInputs.Stamped<Heartbeat> stamped : batch.heartbeats()) {
            metrics.heartbeats.increment();
            switch (detector.onHeartbeat(stamped.event(), stamped.recordTimestamp())) {
                case ACCEPTED -> maintenance.heartbeat(stamped.event(), stamped.recordTimestamp())
                        .filter(announcement -> leadership.leading())
                        .ifPresent(announcer::announce);
                case DUPLICATE, OUT_OF_ORDER, STALE_INCARNATION -> metrics.heartbeatsIgnored.increment();
            }
        }
        for (LoopInputs.Stamped<PlacementHeartbeat> stamped : batch.instances()) {
            // Appended by the same broker every 100 ms: proof its clock ran, even when no agent is heard.
            detector.onStreamTick(stamped.recordTimestamp());
        }
        notices.streamGap(detector.lastStreamGap());
        batch.gateways().forEach(stamped -> handovers.on(stamped.event(), stamped.recordTimestamp()));
        detector.onProgress(batch.heartbeatProgress());
        metrics.heartbeatReadThrough(batch.heartbeatProgress().readThrough());
        for (LoopInputs.Stamped<PlacementHeartbeat> stamped : batch.instances()) {
            election.onHeartbeat(stamped.event(), stamped.recordTimestamp());
        }
        election.onProgress(batch.controlReadThrough(), batch.controlCaughtUp());
        if (!leadership.leading()) {
            // The leader's decisions: a standby keeps the present so it can take over without a gap.
            for (RoleAssignment assignment : batch.assignments()) {
                book.applyLeaders(assignment);
                handovers.onLeadersAssignment(assignment);
            }
        }
        Instant now = clock.instant();
        for (BatonEvent event : batch.maintenance()) {
            maintenance.announced(event, now);
        }
        if (!batch.configurations().isEmpty() || batch.rolesDeleted()) {
            catalog.reload();
        }
    }

    private void applyCommands() {
        if (!channel.busy() && !waitingResets.isEmpty()) {
            waitingResets.forEach(reset -> reset.answer().complete(resetBudget(reset.roleId(), reset.by())));
            waitingResets.clear();
        }
        LoopControl.Command command;
        while ((command = control.next()) != null) {
            if (command instanceof LoopControl.ReloadRoles) {
                catalog.reload();
            } else if (command instanceof LoopControl.SetMaintenance set) {
                maintenance.operator(set.serverId(), set.on(), set.by(), clock.instant()).ifPresent(announcement -> {
                    LOG.info("Server {}: maintenance {} by {}", set.serverId(), set.on() ? "started" : "ended", set.by());
                    announcer.announce(announcement);
                });
            } else if (command instanceof LoopControl.RequestMove move) {
                manualMoves.add(move.pending());
            } else if (command instanceof LoopControl.ReleaseBrake release) {
                LOG.warn("Safety brake released by {}: the silent servers are declared DOWN at the next evaluation",
                        release.by());
                detector.safetyBrake().override();
                notices.brakeReleasedBy(release.by());
            } else if (command instanceof LoopControl.ResetBudget reset) {
                if (channel.busy()) {
                    waitingResets.add(reset);
                } else {
                    reset.answer().complete(resetBudget(reset.roleId(), reset.by()));
                }
            }
        }
    }

    /** Forgets a role's recent resource failures: a role held on an exhausted budget may move next round. */
    private BudgetReset resetBudget(String roleId, String by) {
        if (!leadership.leading()) {
            return BudgetReset.rejected(leadership.notLeading());
        }
        int cleared = book.resetBudget(roleId);
        if (cleared < 0) {
            return BudgetReset.rejected("role " + roleId + " has no assignment yet");
        }
        LOG.info("Role {}: restart budget reset by {} ({} recent resource failures forgotten)", roleId, by, cleared);
        return BudgetReset.done(cleared);
    }

    /** Restores the maintenance flags and registered servers once the first load from the store succeeded. */
    private void restoreOnce(Instant now) {
        RoleCatalog.Loaded loaded = catalog.latest();
        if (restored || loaded == null) {
            return;
        }
        maintenance.restore(loaded.servers(), now);
        registrar.restore(loaded.servers());
        metrics.roles.set(loaded.roles().size());
        restored = true;
        LOG.info("Placement loop {}: {} roles and {} servers loaded", instanceId, loaded.roles().size(),
                loaded.servers().size());
    }

    /** Takes the outcome of the round in flight, if Kafka has answered. */
    private void settle() {
        LeaderChannel.Outcome outcome = channel.settled();
        if (outcome instanceof LeaderChannel.Committed committed) {
            apply(committed.round(), committed.nanos());
            control.show(snapshotOf(clock.instant(), lastDeferral, lastView, lastHeld));
        } else if (outcome instanceof LeaderChannel.Failed failed && failed.fenced()) {
            ManualMoves.reject(failed.round().manual(), "not decided: " + failed.error().getMessage());
            pendingNotices.clear();
            if (failed.byNewerLeader()) {
                leadership.stepDown(failed.error().getMessage());
                pendingTransitions.clear();
            } else {
                // Still the leader: its transitions are announced by the new publisher (twice, in the rare case
                // the old one committed them after all).
                pendingTransitions.addAll(0, failed.round().transitions());
                pendingNotices.addAll(failed.round().notices());
                leadership.reopen(failed.error().getMessage(), clock.instant());
            }
        } else if (outcome instanceof LeaderChannel.Failed failed) {
            // Nothing of it is visible: the same situation is decided again next round.
            metrics.publishFailures.increment();
            LOG.error("Could not publish {} events of this round, deciding again: {}", failed.round().events().size(),
                    failed.error().getMessage());
            pendingTransitions.addAll(0, failed.round().transitions());
            pendingNotices.addAll(0, failed.round().notices());
            manualMoves.retry(failed.round().manual());
        }
    }

    /** A committed round: its assignments hold, its moves are counted and logged, its manual moves answered. */
    private void apply(Round round, long publishNanos) {
        book.commit(round);
        handovers.committed(round.handover());
        notices.committed(round, publishNanos);
        ManualMoves.answer(round.manual(), round.proposed());
    }

    private void evaluate(Instant now) {
        long started = System.nanoTime();
        Evaluation evaluation = detector.evaluate(now);
        lastEvaluation = now;
        lastView = evaluation.view();
        notices.safetyBrake(lastView.safetyBrake(), instanceId, now)
                .filter(announcement -> leadership.leading())
                .ifPresent(pendingNotices::add);
        registrar.seen(evaluation.transitions());
        if (!leadership.leading()) {
            if (!leadership.claimsLeadership()) {
                pendingTransitions.clear();
                pendingNotices.clear();
            }
            manualMoves.rejectAll(leadership.notLeading());
            show(now, leadership.notLeading(), List.of());
            return;
        }
        evaluation.transitions().forEach(notices::transition);
        pendingTransitions.addAll(evaluation.transitions());
        RoleCatalog.Loaded loaded = catalog.latest();
        if (channel.busy()) {
            // The round in flight is settled first: deciding now would decide its moves a second time.
            show(now, lastDeferral, lastHeld);
            return;
        }
        if (loaded == null) {
            manualMoves.rejectAll("placement is not ready: " + ROLES_NOT_LOADED);
            show(now, ROLES_NOT_LOADED, List.of());
            return;
        }
        List<ServerTransition> transitions = List.copyOf(pendingTransitions);
        List<BatonEvent> announcements = List.copyOf(pendingNotices);
        pendingTransitions.clear();
        pendingNotices.clear();
        Round round = decider.decide(now, transitions, loaded.roles(), lastView, book, handovers, manualMoves.take(),
                announcements, fenceProbe(now));
        if (round.events().isEmpty()) {
            apply(round, 0);
        } else {
            channel.submit(leadership.publisher(), round);
        }
        notices.holds(round.decision().held());
        notices.deferral(round.decision().deferredBecause());
        show(now, round.decision().deferredBecause(), round.decision().held());
        metrics.decisionNanos.record(Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * A leader heartbeat inside the round's transaction, every fence probe interval: a fenced leader learns it
     * within this interval even when it has nothing else to publish.
     */
    private List<BatonEvent> fenceProbe(Instant now) {
        if (Duration.between(lastFenceProbe, now).compareTo(fenceProbeInterval) < 0) {
            return List.of();
        }
        lastFenceProbe = now;
        return List.of(new PlacementHeartbeat(UUID.randomUUID(), now, instanceId, incarnation, 0, leadership.term(),
                true, control.adminUrl()));
    }

    private void show(Instant now, String deferredBecause, List<Hold> held) {
        lastDeferral = deferredBecause;
        lastHeld = held;
        control.show(snapshotOf(now, deferredBecause, lastView, held));
    }

    private PlacementSnapshot snapshotOf(Instant now, String deferredBecause, ClusterView view, List<Hold> held) {
        RoleCatalog.Loaded loaded = catalog.latest();
        List<RoleConfig> roles = loaded == null ? List.of() : loaded.roles();
        metrics.rolesNotServing.set(RoleStatus.notServing(roles, book.current(), view, held));
        boolean leading = leadership.leading();
        LeaderElection.Follow following = leadership.following();
        return new PlacementSnapshot(now, leading, instanceId, deferredBecause, view, book.current(), held,
                leading ? leadership.term() : following.term(), leading ? instanceId : following.leaderId(),
                leading ? null : following.leaderAdminUrl(), loaded == null ? List.of() : loaded.definitions(),
                loaded == null ? null : loaded.at());
    }

    /**
     * Sends this instance's heartbeat on the control topic. Called every heartbeat interval from a thread of its
     * own, so a long round does not look like a dead leader; but it sends nothing once the loop has made no
     * progress for the leader timeout, so a stuck loop does go silent and is replaced.
     */
    synchronized void announce(Duration stallLimit) {
        if (!running || System.nanoTime() - progressNanos > stallLimit.toNanos()) {
            return;
        }
        boolean lead = leadership.claimsLeadership();
        announcer.heartbeat(new PlacementHeartbeat(UUID.randomUUID(), clock.instant(), instanceId, incarnation,
                instanceSequence++, lead ? leadership.term() : highestTermSeen, lead, control.adminUrl()));
    }

    /** Asks the loop to stop after its current round. */
    void stop() {
        running = false;
        inputs.wakeup();
    }

    /** Whether this instance leads; readable from any thread. */
    boolean leading() {
        return leadership.leading();
    }

    /** The loop as the admin API sees it. */
    LoopControl control() {
        return control;
    }
}
