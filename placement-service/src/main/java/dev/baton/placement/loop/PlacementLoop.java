package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.Endpoint;
import dev.baton.events.Heartbeat;
import dev.baton.events.MaintenanceEnded;
import dev.baton.events.MaintenanceStarted;
import dev.baton.events.MoveReason;
import dev.baton.events.PlacementHeartbeat;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleState;
import dev.baton.placement.api.BudgetReset;
import dev.baton.placement.api.ManualMoveResult;
import dev.baton.placement.api.PlacementControl;
import dev.baton.placement.api.PlacementSnapshot;
import dev.baton.placement.detector.ClusterView;
import dev.baton.placement.election.LeaderElection;
import dev.baton.placement.detector.Evaluation;
import dev.baton.placement.detector.FailureDetector;
import dev.baton.placement.detector.ReportedRole;
import dev.baton.placement.detector.SafetyBrake;
import dev.baton.placement.detector.ServerIdentity;
import dev.baton.placement.detector.ServerTransition;
import dev.baton.placement.detector.ServerView;
import dev.baton.placement.detector.StreamGap;
import dev.baton.placement.policy.Assignment;
import dev.baton.placement.policy.Assignments;
import dev.baton.placement.policy.Decision;
import dev.baton.placement.policy.Hold;
import dev.baton.placement.policy.ManualMove;
import dev.baton.placement.policy.Move;
import dev.baton.placement.policy.PlacementPolicy;
import dev.baton.placement.policy.Rejection;
import dev.baton.placement.policy.RoleConfig;
import dev.baton.placement.policy.RoleStatus;
import dev.baton.placement.policy.Unplacement;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.RoleStore;
import dev.baton.placement.store.ServerRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement loop: read, decide, act, on one thread.
 *
 * <ol>
 *   <li><b>Read</b>: poll heartbeats into the {@link FailureDetector} with the consumer's progress; apply the
 *       admin API's queued commands (configuration reloads, maintenance flags, manual moves).</li>
 *   <li><b>Decide</b>: every evaluation interval, evaluate the detector and ask the {@link PlacementPolicy} for
 *       a decision.</li>
 *   <li><b>Act</b>: publish server transitions, moves and unplacements, and apply the decision to the loop's
 *       assignments only once Kafka acknowledged it. A round that fails to publish is decided again.</li>
 * </ol>
 *
 * <p>Several instances run this loop; one leads (see {@link LeaderElection}). Every instance reads and evaluates
 * continuously, so a standby that takes over already knows which servers are alive; only the leader decides and
 * publishes, in one transaction per round ({@link KafkaLeaderPublisher}). A standby applies the leader's
 * assignments as they arrive; on taking over it first fences earlier leaders, then reads the assignments to their
 * end, so role epochs keep increasing across leaders and a move already committed is not made again.
 *
 * <p>The detector, the election and the policy hold no I/O; this class is the only place where they meet Kafka
 * and the store. The admin API reads {@link #snapshot()} and queues requests; it never touches the loop's state.
 */
public final class PlacementLoop implements PlacementControl, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementLoop.class);
    /** Maintenance announced for an agent's planned leave is requested by "agent <serverId> (...)". */
    private static final String AGENT_PREFIX = "agent ";

    private final String instanceId;
    private final FailureDetector detector;
    private final PlacementPolicy policy;
    private final KafkaInputs inputs;
    private final KafkaEventPublisher events;
    private final Supplier<EventPublisher> leaderPublishers;
    private final LeaderElection election;
    private final Duration takeoverTimeout;
    private final String incarnation = UUID.randomUUID().toString();
    private final RoleStore store;
    private final Clock clock;
    private final Duration evaluationInterval;
    private final LoopMetrics metrics;
    private final ServerRegistrar registrar;

    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private final List<PendingMove> pendingMoves = new ArrayList<>();
    private final Map<String, Endpoint> publishedEndpoints = new HashMap<>();
    private final Map<String, MoveReason> reasons = new HashMap<>();
    private final Map<String, ServerRecord> registered = new HashMap<>();
    /** Servers in maintenance because their agent announced a planned leave, not because an operator said so. */
    private final Set<String> leaving = new HashSet<>();
    private final Set<String> operatorMaintenance = new HashSet<>();

    private List<RoleConfig> roles = List.of();
    private List<RoleDefinition> definitions = List.of();
    private Instant definitionsLoadedAt;
    private Assignments assignments;
    private Set<Hold> lastHolds = Set.of();
    private Instant lastEvaluation = Instant.EPOCH;
    private volatile PlacementSnapshot snapshot;
    private volatile boolean running = true;
    private volatile String adminUrl;
    private EventPublisher leaderPublisher;
    private volatile boolean leading;
    private volatile long term;
    private volatile long highestTermSeen;
    /** When the loop last made progress (System.nanoTime): the heartbeat thread goes silent when it stalls. */
    private volatile long progressNanos = System.nanoTime();
    private LeaderElection.Follow following = new LeaderElection.Follow(null, 0, null);
    private long instanceSequence;
    private final Duration fenceProbeInterval;
    private Instant lastFenceProbe = Instant.EPOCH;
    private StreamGap lastStreamGap;
    private SafetyBrake.Engaged lastBrake;

    private sealed interface Command {
    }

    private record ReloadRoles() implements Command {
    }

    private record SetMaintenance(String serverId, boolean on, String by) implements Command {
    }

    private record RequestMove(ManualMove request, CompletableFuture<ManualMoveResult> answer) implements Command {
    }

    private record ResetBudget(String roleId, String by, CompletableFuture<BudgetReset> answer) implements Command {
    }

    private record ReleaseBrake(String by) implements Command {
    }

    private record PendingMove(ManualMove request, CompletableFuture<ManualMoveResult> answer) {
    }

    /**
     * @param leaderPublishers opens a leader's publisher; opening it fences every earlier leader
     * @param fenceProbeInterval how often a leader commits a transaction even with nothing to decide, to learn
     *     early that a newer leader fenced it
     */
    PlacementLoop(String instanceId, FailureDetector detector, PlacementPolicy policy, LeaderElection election,
            KafkaInputs inputs, KafkaEventPublisher events, Supplier<EventPublisher> leaderPublishers, RoleStore store,
            Clock clock, Duration takeoverTimeout, Duration fenceProbeInterval, LoopMetrics metrics) {
        this.instanceId = instanceId;
        this.detector = detector;
        this.policy = policy;
        this.election = election;
        this.inputs = inputs;
        this.events = events;
        this.leaderPublishers = leaderPublishers;
        this.store = store;
        this.clock = clock;
        this.evaluationInterval = detector.config().evaluationInterval();
        this.takeoverTimeout = takeoverTimeout;
        this.fenceProbeInterval = fenceProbeInterval;
        this.metrics = metrics;
        this.registrar = new ServerRegistrar(store);
        this.assignments = Assignments.empty();
        loadRoles();
        Instant now = clock.instant();
        for (ServerRecord server : store.servers()) {
            registered.put(server.serverId(), server);
            if (server.maintenance()) {
                operatorMaintenance.add(server.serverId());
                detector.startMaintenance(server.serverId(), now);
            }
        }
        this.snapshot = snapshotOf(now, "starting", detector.evaluate(now).view(), List.of());
    }

    /** Where this instance's admin API answers, announced to the other instances for forwarding. */
    public void advertiseAdminUrl(String url) {
        this.adminUrl = url;
    }

    @Override
    public void run() {
        LOG.info("Placement loop {} running: {} roles; standing by until the election decides", instanceId, roles.size());
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
        pendingMoves.forEach(p -> p.answer().complete(ManualMoveResult.rejected("placement-service is stopping")));
        if (leaderPublisher instanceof AutoCloseable closeable) {
            closeQuietly(closeable);
        }
        registrar.close();
        LOG.info("Placement loop {} stopped", instanceId);
    }

    private void round() {
        progressNanos = System.nanoTime();
        Instant due = lastEvaluation.plus(evaluationInterval);
        Duration wait = Duration.between(clock.instant(), due);
        consume(inputs.poll(wait.isNegative() ? Duration.ZERO : wait));
        applyCommands();
        Instant now = clock.instant();
        highestTermSeen = election.highestTerm();
        elect(now);
        if (!now.isBefore(due)) {
            evaluate(now);
        }
    }

    private void consume(KafkaInputs.Batch batch) {
        for (KafkaInputs.Stamped<Heartbeat> stamped : batch.heartbeats()) {
            onHeartbeat(stamped.event(), stamped.recordTimestamp());
        }
        for (KafkaInputs.Stamped<PlacementHeartbeat> stamped : batch.instances()) {
            // Appended by the same broker every 100 ms: proof its clock ran, even when no agent is heard.
            detector.onStreamTick(stamped.recordTimestamp());
        }
        StreamGap gap = detector.lastStreamGap();
        if (gap != null && !gap.equals(lastStreamGap)) {
            lastStreamGap = gap;
            LOG.warn("The broker appended nothing for {} ms (from {} to {}): no server is judged by its silence in"
                    + " that time; every server gets a full failure timeout from {}", gap.length().toMillis(),
                    gap.from(), gap.to(), gap.to());
        }
        detector.onProgress(batch.heartbeatProgress());
        metrics.heartbeatReadThrough(batch.heartbeatProgress().readThrough());
        for (KafkaInputs.Stamped<PlacementHeartbeat> stamped : batch.instances()) {
            election.onHeartbeat(stamped.event(), stamped.recordTimestamp());
        }
        election.onProgress(batch.controlReadThrough(), batch.controlCaughtUp());
        if (!leading) {
            // The leader's decisions: a standby keeps the present so it can take over without a gap.
            for (RoleAssignment assignment : batch.assignments()) {
                applyLeadersAssignment(assignment);
            }
        }
        if (!batch.configurations().isEmpty() || batch.rolesDeleted()) {
            loadRoles();
        }
        for (BatonEvent event : batch.maintenance()) {
            // Planned leaves ("agent ..." requests) every instance follows from the agents' heartbeats itself.
            if (event instanceof MaintenanceStarted started && !started.requestedBy().startsWith(AGENT_PREFIX)) {
                applyMaintenance(new SetMaintenance(started.serverId(), true, started.requestedBy()), false);
            } else if (event instanceof MaintenanceEnded ended && !ended.requestedBy().startsWith(AGENT_PREFIX)) {
                applyMaintenance(new SetMaintenance(ended.serverId(), false, ended.requestedBy()), false);
            }
        }
    }

    private void applyLeadersAssignment(RoleAssignment assignment) {
        Assignment known = assignments.get(assignment.roleId()).orElse(null);
        if (known != null && assignment.epoch() < known.epoch()) {
            return;
        }
        Assignment next = assignment.serverId() == null
                ? Assignment.unplaced(assignment.roleId(), assignment.epoch())
                : Assignment.placed(assignment.roleId(), assignment.epoch(), assignment.serverId());
        assignments = assignments.with(List.of(next));
        reasons.put(assignment.roleId(), assignment.reason());
        if (assignment.endpoint() != null) {
            publishedEndpoints.put(assignment.roleId(), assignment.endpoint());
        } else if (known == null || known.epoch() != assignment.epoch()) {
            publishedEndpoints.remove(assignment.roleId());
        }
    }

    /**
     * Sends this instance's heartbeat on the control topic. Called every heartbeat interval from a thread of its
     * own, so a long round (a takeover, a slow commit) does not look like a dead leader; but it sends nothing once
     * the loop has made no progress for the leader timeout, so a stuck loop does go silent and is replaced.
     */
    synchronized void announce(Duration stallLimit) {
        if (!running || System.nanoTime() - progressNanos > stallLimit.toNanos()) {
            return;
        }
        boolean lead = leading;
        events.sendAsync(new PlacementHeartbeat(UUID.randomUUID(), clock.instant(), instanceId, incarnation,
                instanceSequence++, lead ? term : highestTermSeen, lead, adminUrl));
    }

    private void elect(Instant now) {
        LeaderElection.Verdict verdict = election.evaluate(now, leading, term);
        if (verdict instanceof LeaderElection.Lead lead) {
            takeOver(lead);
        } else if (verdict instanceof LeaderElection.StepDown down) {
            stepDown(down.reason());
        } else if (verdict instanceof LeaderElection.Follow follow) {
            if (!leading && !java.util.Objects.equals(follow.leaderId(), following.leaderId())) {
                LOG.info("Instance {} stands by; leader: {} (term {})", instanceId,
                        follow.leaderId() == null ? "none yet" : follow.leaderId(), follow.term());
            }
            following = follow;
        }
    }

    /**
     * Takes over: fences earlier leaders by opening the shared transactional id, then reads the assignments to
     * their end before deciding anything, so nothing an earlier leader committed is decided again.
     */
    private void takeOver(LeaderElection.Lead candidacy) {
        long started = System.nanoTime();
        // The election judged by what the consumer had read. Before fencing anyone, read placement-control up to
        // the end the broker reports now and judge again: a leader announced there while this instance was
        // stalled or behind must be followed, not deposed.
        if (!readUpTo(inputs.controlEndOffsets(), "placement-control")) {
            return;
        }
        LeaderElection.Verdict confirmed = election.evaluate(clock.instant(), false, term);
        if (!(confirmed instanceof LeaderElection.Lead lead)) {
            LOG.info("Instance {} does not take over: placement-control read to its end shows {}", instanceId, confirmed);
            if (confirmed instanceof LeaderElection.Follow follow) {
                following = follow;
            }
            return;
        }
        EventPublisher publisher;
        try {
            publisher = leaderPublishers.get();
            progressNanos = System.nanoTime();
        } catch (RuntimeException e) {
            LOG.warn("Instance {} could not take over (term {}): {}", instanceId, lead.term(), e.toString());
            return;
        }
        if (!readUpTo(inputs.assignmentEndOffsets(), "role-assignments")) {
            if (publisher instanceof AutoCloseable closeable) {
                closeQuietly(closeable);
            }
            return;
        }
        try {
            // A role created through another instance may not have been announced here yet, and the policy unplaces
            // placed roles it does not know (deleted ones): decide on the store's configuration.
            loadRoles();
        } catch (RuntimeException e) {
            LOG.warn("Instance {} takes over with the role configuration as last loaded: {}", instanceId, e.toString());
        }
        leaderPublisher = publisher;
        leading = true;
        term = lead.term();
        following = new LeaderElection.Follow(instanceId, term, null);
        metrics.takeovers.increment();
        LOG.info("Instance {} leads in term {} ({}); took over in {} ms with {} assignments", instanceId, term,
                lead.reason(), (System.nanoTime() - started) / 1_000_000, assignments.all().size());
    }

    /** Consumes until every partition of {@code end} is read up to its offset, within the takeover timeout. */
    private boolean readUpTo(Map<TopicPartition, Long> end, String what) {
        long deadline = System.nanoTime() + takeoverTimeout.toNanos();
        while (!inputs.reached(end)) {
            if (System.nanoTime() > deadline) {
                LOG.warn("Instance {} could not read {} to its end within {} ms; not taking over",
                        instanceId, what, takeoverTimeout.toMillis());
                return false;
            }
            consume(inputs.poll(Duration.ofMillis(20)));
            progressNanos = System.nanoTime();
        }
        return true;
    }

    private void stepDown(String reason) {
        if (!leading) {
            return;
        }
        leading = false;
        if (leaderPublisher instanceof AutoCloseable closeable) {
            closeQuietly(closeable);
        }
        leaderPublisher = null;
        following = new LeaderElection.Follow(null, election.highestTerm(), null);
        metrics.stepDowns.increment();
        LOG.warn("Instance {} steps down from term {}: {}", instanceId, term, reason);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("close failed: {}", e.toString());
        }
    }

    private void onHeartbeat(Heartbeat heartbeat, Instant recordTimestamp) {
        metrics.heartbeats.increment();
        switch (detector.onHeartbeat(heartbeat, recordTimestamp)) {
            case ACCEPTED -> trackPlannedLeave(heartbeat, recordTimestamp);
            case DUPLICATE, OUT_OF_ORDER, STALE_INCARNATION -> metrics.heartbeatsIgnored.increment();
        }
    }

    /**
     * An agent shutting down on purpose says so in its heartbeats: its server is put in maintenance so its roles
     * leave by planned moves. The next incarnation that does not say so ends that maintenance.
     */
    private void trackPlannedLeave(Heartbeat heartbeat, Instant at) {
        String serverId = heartbeat.serverId();
        if (heartbeat.leaving() && leaving.add(serverId)) {
            LOG.info("Server {} announced a planned leave: its roles move away (maintenance)", serverId);
            if (!operatorMaintenance.contains(serverId)) {
                detector.startMaintenance(serverId, at);
            }
            if (leading) {
                publishQuietly(List.of(new MaintenanceStarted(UUID.randomUUID(), at, serverId,
                        AGENT_PREFIX + serverId + " (planned leave)")));
            }
        } else if (!heartbeat.leaving() && leaving.remove(serverId)) {
            LOG.info("Server {} is back from its planned leave (incarnation {})", serverId, heartbeat.incarnation());
            if (!operatorMaintenance.contains(serverId)) {
                detector.endMaintenance(serverId, at);
            }
            if (leading) {
                publishQuietly(List.of(new MaintenanceEnded(UUID.randomUUID(), at, serverId,
                        AGENT_PREFIX + serverId + " (restarted)")));
            }
        }
    }

    private void applyCommands() {
        Command command;
        while ((command = commands.poll()) != null) {
            if (command instanceof ReloadRoles) {
                loadRoles();
            } else if (command instanceof SetMaintenance set) {
                applyMaintenance(set, true);
            } else if (command instanceof RequestMove move) {
                pendingMoves.add(new PendingMove(move.request(), move.answer()));
            } else if (command instanceof ReleaseBrake release) {
                LOG.warn("Safety brake released by {}: the silent servers are declared DOWN at the next evaluation",
                        release.by());
                detector.safetyBrake().override();
            } else if (command instanceof ResetBudget reset) {
                reset.answer().complete(resetBudget(reset.roleId(), reset.by()));
            }
        }
    }

    /** Logs the safety brake going on or off, once each. */
    private void noteSafetyBrake(SafetyBrake.Engaged brake) {
        if (Objects.equals(brake, lastBrake)) {
            return;
        }
        if (brake != null) {
            LOG.warn("Safety brake on: {}", brake.describe());
        } else {
            LOG.info("Safety brake off: the silent servers are heard again (or an operator released it); failovers"
                    + " resume");
        }
        lastBrake = brake;
        metrics.safetyBrake.set(brake == null ? 0 : 1);
    }

    /** Forgets a role's recent resource failures: a role held on an exhausted budget may move next round. */
    private BudgetReset resetBudget(String roleId, String by) {
        if (!leading) {
            return BudgetReset.rejected(following.leaderId() == null ? "no placement instance leads yet"
                    : "this instance is a standby; " + following.leaderId() + " leads");
        }
        Assignment current = assignments.find(roleId);
        if (current == null) {
            return BudgetReset.rejected("role " + roleId + " has no assignment yet");
        }
        int cleared = current.resourceFailures().size();
        assignments = assignments.with(List.of(new Assignment(roleId, current.epoch(), current.serverId(), List.of())));
        LOG.info("Role {}: restart budget reset by {} ({} recent resource failures forgotten)", roleId, by, cleared);
        return BudgetReset.done(cleared);
    }

    /**
     * Applies an operator's maintenance flag. The instance whose API received it announces it on server-events;
     * the other instances apply it when they read that announcement.
     */
    private void applyMaintenance(SetMaintenance set, boolean announce) {
        Instant now = clock.instant();
        boolean changed = set.on() ? operatorMaintenance.add(set.serverId()) : operatorMaintenance.remove(set.serverId());
        if (!changed) {
            return;
        }
        BatonEvent event;
        if (set.on()) {
            detector.startMaintenance(set.serverId(), now);
            event = new MaintenanceStarted(UUID.randomUUID(), now, set.serverId(), set.by());
        } else {
            if (!leaving.contains(set.serverId())) {
                detector.endMaintenance(set.serverId(), now);
            }
            event = new MaintenanceEnded(UUID.randomUUID(), now, set.serverId(), set.by());
        }
        if (announce) {
            LOG.info("Server {}: maintenance {} by {}", set.serverId(), set.on() ? "started" : "ended", set.by());
            publishQuietly(List.of(event));
        }
    }

    private void loadRoles() {
        List<RoleConfig> loaded = new ArrayList<>();
        definitions = store.roles();
        definitionsLoadedAt = clock.instant();
        for (RoleDefinition role : definitions) {
            loaded.add(role.toRoleConfig());
        }
        roles = List.copyOf(loaded);
        metrics.roles.set(roles.size());
    }

    private void evaluate(Instant now) {
        long started = System.nanoTime();
        Evaluation evaluation = detector.evaluate(now);
        lastEvaluation = now;
        ClusterView view = evaluation.view();
        noteSafetyBrake(view.safetyBrake());
        registerNewServers(evaluation.transitions());
        if (!leading) {
            String notLeader = following.leaderId() == null
                    ? "no placement instance leads yet"
                    : "this instance is a standby; " + following.leaderId() + " leads";
            for (PendingMove pending : pendingMoves) {
                pending.answer().complete(ManualMoveResult.rejected(notLeader));
            }
            pendingMoves.clear();
            snapshot = snapshotOf(now, notLeader, view, List.of());
            return;
        }
        List<BatonEvent> events = new ArrayList<>();
        for (ServerTransition transition : evaluation.transitions()) {
            events.add(transition.toEvent(UUID.randomUUID()));
            logTransition(transition);
        }
        List<ManualMove> manual = pendingMoves.stream().map(PendingMove::request).toList();
        long decideStarted = System.nanoTime();
        Decision decision = policy.decide(roles, view, assignments, manual, now);
        for (Move move : decision.moves()) {
            if (move.reason() != MoveReason.RESUME) {
                // A resume grants the role to the host it is on: an assignment, no RoleMoved (nothing moved).
                events.add(move.toEvent(UUID.randomUUID(), now));
            }
            events.add(move.toAssignment(UUID.randomUUID(), now));
        }
        for (Unplacement unplacement : decision.unplaced()) {
            events.add(unplacement.toEvent(UUID.randomUUID(), now));
            events.add(unplacement.toAssignment(UUID.randomUUID(), now));
        }
        Assignments next = decision.next();
        events.addAll(endpointUpdates(next, view, now));
        if (Duration.between(lastFenceProbe, now).compareTo(fenceProbeInterval) >= 0) {
            // A leader heartbeat inside the round's transaction: a fenced leader learns it within this interval
            // even when it has nothing else to publish.
            events.add(new PlacementHeartbeat(UUID.randomUUID(), now, instanceId, incarnation, 0, term, true, adminUrl));
            lastFenceProbe = now;
        }
        long publishStarted = System.nanoTime();
        try {
            leaderPublisher.publish(events);
        } catch (KafkaLeaderPublisher.Fenced e) {
            stepDown(e.getMessage());
            return;
        } catch (EventPublisher.PublishException e) {
            // Nothing applied: the same situation is decided again next round.
            metrics.publishFailures.increment();
            LOG.error("Could not publish {} events of this round, deciding again: {}", events.size(), e.getMessage());
            return;
        }
        long published = System.nanoTime();
        assignments = next;
        if (!decision.moves().isEmpty() || !decision.unplaced().isEmpty()) {
            LOG.info("Round at {}: {} moves and {} unplacements decided in {} ms; {} events committed in one "
                    + "transaction in {} ms", now, decision.moves().size(), decision.unplaced().size(),
                    (publishStarted - decideStarted) / 1_000_000, events.size(), (published - publishStarted) / 1_000_000);
        }
        for (Move move : decision.moves()) {
            publishedEndpoints.remove(move.roleId());
            reasons.put(move.roleId(), move.reason());
            metrics.moves(move.reason()).increment();
            LOG.info("Role {}: {} {} -> {} at epoch {} ({})", move.roleId(), move.reason(),
                    move.from() == null ? "(nowhere)" : move.from(), move.to(), move.epoch(), move.cause());
        }
        for (Unplacement unplacement : decision.unplaced()) {
            publishedEndpoints.remove(unplacement.roleId());
            reasons.put(unplacement.roleId(), unplacement.reason());
            metrics.unplaced.increment();
            LOG.warn("Role {}: unplaced at epoch {} ({})", unplacement.roleId(), unplacement.epoch(), unplacement.cause());
        }
        answerManualMoves(decision);
        logHolds(decision.held());
        if (decision.deferredBecause() != null && !decision.deferredBecause().equals(snapshot.deferredBecause())) {
            LOG.info("Placement deferred: {}", decision.deferredBecause());
        }
        snapshot = snapshotOf(now, decision.deferredBecause(), view, decision.held());
        metrics.decisionNanos.record(Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Once a role's host reports it RUNNING at the assigned epoch, the compacted assignment record is republished
     * with the endpoint, so any reader bootstrapping from the topic learns where the role answers.
     */
    private List<BatonEvent> endpointUpdates(Assignments current, ClusterView view, Instant now) {
        List<BatonEvent> updates = new ArrayList<>();
        for (Assignment assignment : current.all()) {
            if (!assignment.isPlaced()) {
                continue;
            }
            ServerView host = view.find(assignment.serverId());
            if (host == null) {
                continue;
            }
            ReportedRole reported = host.role(assignment.roleId()).orElse(null);
            if (reported == null || reported.epoch() != assignment.epoch() || reported.state() != RoleState.RUNNING
                    || reported.endpoint() == null) {
                continue;
            }
            if (!reported.endpoint().equals(publishedEndpoints.get(assignment.roleId()))) {
                updates.add(new RoleAssignment(UUID.randomUUID(), now, assignment.roleId(), assignment.epoch(),
                        assignment.serverId(), reported.endpoint(), reasonOf(assignment)));
                publishedEndpoints.put(assignment.roleId(), reported.endpoint());
            }
        }
        return updates;
    }

    /** An endpoint update restates the assignment, with the reason of the move that made it. */
    private MoveReason reasonOf(Assignment assignment) {
        return reasons.getOrDefault(assignment.roleId(), MoveReason.INITIAL);
    }

    private void registerNewServers(List<ServerTransition> transitions) {
        for (ServerRecord stored : registrar.takeStored()) {
            registered.put(stored.serverId(), stored);
        }
        for (ServerTransition transition : transitions) {
            if (transition instanceof ServerTransition.Joined joined) {
                ServerRecord known = registered.get(joined.serverId());
                if (known != null && known.host().equals(joined.host()) && known.kind() == joined.kind()) {
                    continue;
                }
                registrar.register(new RoleStore.Sighting(
                        new ServerIdentity(joined.serverId(), joined.host(), joined.kind()), joined.at()));
            }
        }
    }

    private void answerManualMoves(Decision decision) {
        for (PendingMove pending : pendingMoves) {
            String roleId = pending.request().roleId();
            Move move = decision.moves().stream()
                    .filter(m -> m.roleId().equals(roleId) && m.to().equals(pending.request().to()))
                    .findFirst().orElse(null);
            Rejection rejection = decision.rejected().stream()
                    .filter(r -> r.request().equals(pending.request()))
                    .findFirst().orElse(null);
            if (move != null) {
                pending.answer().complete(ManualMoveResult.moved(move));
            } else if (rejection != null) {
                pending.answer().complete(ManualMoveResult.rejected(rejection.reason()));
            } else if (decision.deferredBecause() != null) {
                pending.answer().complete(ManualMoveResult.rejected("placement is not ready: " + decision.deferredBecause()));
            } else {
                pending.answer().complete(ManualMoveResult.rejected("the role did not move"));
            }
        }
        pendingMoves.clear();
    }

    private void logHolds(List<Hold> holds) {
        Set<Hold> now = Set.copyOf(holds);
        for (Hold hold : holds) {
            if (!lastHolds.contains(hold)) {
                LOG.info("Role {}: held on {} at epoch {}, {} waits: {}", hold.roleId(),
                        hold.serverId() == null ? "(nowhere)" : hold.serverId(), hold.epoch(), hold.wanted(), hold.cause());
            }
        }
        lastHolds = now;
    }

    private void logTransition(ServerTransition transition) {
        if (transition instanceof ServerTransition.Joined joined) {
            LOG.info("Server {} joined (incarnation {}, {} {})", joined.serverId(), joined.incarnation(), joined.kind(),
                    joined.host());
        } else if (transition instanceof ServerTransition.Up up) {
            LOG.info("Server {} is UP again (incarnation {})", up.serverId(), up.incarnation());
        } else if (transition instanceof ServerTransition.Down down) {
            LOG.warn("Server {} is DOWN: {}", down.serverId(), down.cause());
        }
    }

    private PlacementSnapshot snapshotOf(Instant now, String deferredBecause, ClusterView view, List<Hold> held) {
        metrics.rolesNotServing.set(RoleStatus.notServing(roles, assignments, view, held));
        return new PlacementSnapshot(now, leading, instanceId, deferredBecause, view, assignments, held,
                leading ? term : following.term(), leading ? instanceId : following.leaderId(),
                leading ? null : following.leaderAdminUrl(), definitions, definitionsLoadedAt);
    }

    /** Publishes events that carry no decision (maintenance announcements); a failure is logged, not retried. */
    private void publishQuietly(List<BatonEvent> announcements) {
        try {
            events.publish(announcements);
        } catch (EventPublisher.PublishException e) {
            metrics.publishFailures.increment();
            LOG.error("Could not publish {}: {}", announcements.get(0).type().wireName(), e.getMessage());
        }
    }

    /** Asks the loop to stop after its current round. */
    void stop() {
        running = false;
        inputs.wakeup();
    }

    @Override
    public PlacementSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public CompletableFuture<ManualMoveResult> requestMove(ManualMove request) {
        Objects.requireNonNull(request, "request");
        CompletableFuture<ManualMoveResult> answer = new CompletableFuture<>();
        commands.add(new RequestMove(request, answer));
        return answer;
    }

    @Override
    public void releaseSafetyBrake(String by) {
        commands.add(new ReleaseBrake(by));
    }

    @Override
    public CompletableFuture<BudgetReset> resetRestartBudget(String roleId, String by) {
        CompletableFuture<BudgetReset> answer = new CompletableFuture<>();
        commands.add(new ResetBudget(Objects.requireNonNull(roleId, "roleId"), by, answer));
        return answer;
    }

    @Override
    public void rolesChanged() {
        commands.add(new ReloadRoles());
    }

    @Override
    public void maintenanceChanged(String serverId, boolean maintenance, String by) {
        commands.add(new SetMaintenance(serverId, maintenance, by));
    }
}
