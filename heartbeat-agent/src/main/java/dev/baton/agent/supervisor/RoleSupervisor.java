package dev.baton.agent.supervisor;

import dev.baton.events.BatonEvent;
import dev.baton.events.Endpoint;
import dev.baton.events.HostedRole;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which roles this server runs: fed assignments, role configurations, other servers' role states, the
 * outcomes of its plugins, the lease and a planned leave; answers with {@link Action}s (start, stop, report). A
 * plain object: no Kafka, no processes, no clock (time is passed in). Not thread-safe: the agent confines it to
 * one thread.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Epochs.</b> Per role only the assignment with the highest epoch counts; lower epochs are stale and
 *       ignored. A role assigned to this server is started once per epoch, and only at an epoch higher than any it
 *       started (or was fenced, or failed) at before: a role that failed or was fenced at epoch 7 is started again
 *       only when the placement assigns it here at epoch 8 or later.</li>
 *   <li><b>Unplanned moves.</b> A role assigned elsewhere (or to no server) at a higher epoch is stopped at once.</li>
 *   <li><b>Planned moves (make-before-break).</b> A running role moved away with reason MAINTENANCE keeps running
 *       until the new host reports it RUNNING at that epoch or later (a RoleStateChanged from another server), or
 *       until {@code handoverTimeout} has passed; then it is stopped. Clients therefore always have a running
 *       instance to reconnect to. This is the one case where a role briefly runs on two servers, and only because
 *       both are healthy and the move was asked for.</li>
 *   <li><b>Lease.</b> Nothing starts before the lease is first acquired. When it expires every role is stopped with
 *       the short fence grace and reported STOPPED at its epoch, with a detail saying it was fenced: a fence is not
 *       a plugin failure, so it is never reported FAILED and never costs the role's restart budget. The role stays
 *       in the heartbeats as STOPPED at that epoch, which tells the placement that its host gave the grant back:
 *       once the host is heard again and still eligible, the placement assigns it here again at the next epoch
 *       (reason RESUME) and the role restarts in place; if the host was declared DOWN meanwhile, the role has moved
 *       and the STOPPED entry is dropped. The epoch is burnt either way: a fenced role starts again only at a new
 *       epoch, which only the placement can grant, so two servers never both believe they hold it.</li>
 *   <li><b>Planned leave.</b> After {@link #onLeave} no role is started (an assignment here is reported FAILED);
 *       roles leave by planned moves as above, and whatever still runs when {@code handoverTimeout} has passed
 *       since the leave began is stopped. {@link #leaveComplete()} says when the agent may exit.</li>
 *   <li><b>Catch-up.</b> Until the reader has caught up with the assignment and configuration topics once, events
 *       are recorded but nothing is started, so replaying the history of a role never starts and stops it.</li>
 *   <li><b>Configuration.</b> A role is started with the configuration known at that moment (plugin absent: the
 *       sample plugin); a later change applies at its next start. An assignment without any configuration waits
 *       for it.</li>
 * </ul>
 */
public final class RoleSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(RoleSupervisor.class);

    /**
     * @param stopGrace between the polite and the forced stop of a plugin, normally
     * @param fenceGrace the same when the lease expired: short, the role must be gone before the placement's failure
     *     timeout runs out
     * @param handoverTimeout how long a planned move, and a planned leave, waits for the role to run elsewhere
     */
    public record Timing(Duration stopGrace, Duration fenceGrace, Duration handoverTimeout) {
        public Timing {
            Objects.requireNonNull(stopGrace, "stopGrace");
            Objects.requireNonNull(fenceGrace, "fenceGrace");
            Objects.requireNonNull(handoverTimeout, "handoverTimeout");
        }
    }

    private final String serverId;
    private final Timing timing;
    private final Map<String, Role> roles = new TreeMap<>();
    private boolean caughtUp;
    private boolean leaseHeld;
    private String fencedBecause;
    private Instant leavingSince;
    private boolean leaveExpired;
    private boolean shuttingDown;

    public RoleSupervisor(String serverId, Timing timing) {
        this.serverId = Objects.requireNonNull(serverId, "serverId");
        this.timing = Objects.requireNonNull(timing, "timing");
    }

    // ------------------------------------------------------------------------------------------------- inputs

    /**
     * Events read from the assignment, configuration and role-event topics, in the order read.
     *
     * @param caughtUp the reader has reached the end of the assignment and configuration topics as they were when
     *     it started: from now on assignments are acted upon
     */
    public List<Action> onEvents(List<? extends BatonEvent> events, boolean caughtUp, Instant now) {
        for (BatonEvent event : events) {
            if (event instanceof RoleAssignment assignment) {
                assignment(assignment);
            } else if (event instanceof RoleConfigured configured) {
                configured(configured);
            } else if (event instanceof RoleStateChanged changed) {
                stateChanged(changed);
            }
        }
        if (caughtUp && !this.caughtUp) {
            this.caughtUp = true;
            long here = roles.values().stream()
                    .filter(r -> r.assignment != null && serverId.equals(r.assignment.serverId)).count();
            LOG.info("Caught up with assignments and configuration: {} roles known, {} assigned to {}",
                    roles.size(), here, serverId);
        }
        return reconcile(now);
    }

    /** The plugin of {@code roleId} started for {@code epoch} accepts connections at {@code endpoint}. */
    public List<Action> onPluginRunning(String roleId, long epoch, Endpoint endpoint, String detail, Instant now) {
        List<Action> out = new ArrayList<>();
        Local local = localAt(roleId, epoch);
        if (local != null && local.state == RoleState.STARTING) {
            local.state = RoleState.RUNNING;
            local.endpoint = endpoint;
            out.add(new Action.Report(roleId, epoch, RoleState.RUNNING, endpoint, detail));
            LOG.info("Role {} RUNNING at epoch {} on {} ({})", roleId, epoch, endpoint, detail);
        }
        out.addAll(reconcile(now));
        return out;
    }

    /** The plugin of {@code roleId} for {@code epoch} failed to start, died or stopped answering; it is gone. */
    public List<Action> onPluginFailed(String roleId, long epoch, String detail, Instant now) {
        List<Action> out = new ArrayList<>();
        Local local = localAt(roleId, epoch);
        if (local != null) {
            if (local.state == RoleState.STOPPING) {
                finishStop(roles.get(roleId), local, out);
            } else if (local.state != RoleState.FAILED) {
                local.state = RoleState.FAILED;
                local.endpoint = null;
                out.add(new Action.Report(roleId, epoch, RoleState.FAILED, null, detail));
                LOG.warn("Role {} FAILED at epoch {}: {}", roleId, epoch, detail);
            }
        }
        out.addAll(reconcile(now));
        return out;
    }

    /** The plugin of {@code roleId} for {@code epoch} has stopped as asked. */
    public List<Action> onPluginStopped(String roleId, long epoch, Instant now) {
        List<Action> out = new ArrayList<>();
        Local local = localAt(roleId, epoch);
        if (local != null && local.state == RoleState.STOPPING) {
            finishStop(roles.get(roleId), local, out);
        }
        out.addAll(reconcile(now));
        return out;
    }

    /** Heartbeats are acknowledged within the lease (first time, or again after a fence): roles may run. */
    public List<Action> onLeaseAcquired(Instant now) {
        leaseHeld = true;
        fencedBecause = null;
        return reconcile(now);
    }

    /** The lease ran out: stop everything now, with the fence grace. */
    public List<Action> onLeaseExpired(String why, Instant now) {
        leaseHeld = false;
        fencedBecause = why;
        List<Action> out = new ArrayList<>();
        for (Role role : roles.values()) {
            Local local = role.local;
            if (local == null) {
                continue;
            }
            if (local.state == RoleState.STARTING || local.state == RoleState.RUNNING) {
                local.fenced = true;
                stop(role, local, timing.fenceGrace(), "fenced: " + why, null, out);
            } else if (local.state == RoleState.STOPPING) {
                // Already stopping for another reason, perhaps with the long grace: shorten it.
                local.fenced = true;
                out.add(new Action.StopPlugin(role.roleId, local.epoch, timing.fenceGrace(), "fenced: " + why));
            }
        }
        out.addAll(reconcile(now));
        return out;
    }

    /** A planned leave begins: start nothing more, let roles move away, stop the rest after the timeout. */
    public List<Action> onLeave(Instant now) {
        if (leavingSince == null) {
            leavingSince = now;
            LOG.info("Planned leave: {} roles to hand over, waiting up to {} ms", active(),
                    timing.handoverTimeout().toMillis());
        }
        return reconcile(now);
    }

    /** The agent stops without a leave: stop every role with the normal grace. */
    public List<Action> onShutdown(Instant now) {
        shuttingDown = true;
        return reconcile(now);
    }

    /** Time passes: handover and leave timeouts. Call regularly (every ~100 ms). */
    public List<Action> onTick(Instant now) {
        if (leavingSince != null && !leaveExpired && !now.isBefore(leavingSince.plus(timing.handoverTimeout()))) {
            leaveExpired = true;
            if (active() > 0) {
                LOG.warn("Planned leave: leave.timeout ({} ms) passed with {} roles not moved; stopping them",
                        timing.handoverTimeout().toMillis(), active());
            }
        }
        return reconcile(now);
    }

    // ------------------------------------------------------------------------------------------------ outputs

    /**
     * Every role this server hosts (starting, running, stopping or failed, or stopped by a fence at the epoch still
     * assigned here), for the heartbeat.
     */
    public List<HostedRole> hostedRoles() {
        List<HostedRole> hosted = new ArrayList<>();
        for (Role role : roles.values()) {
            Local local = role.local;
            if (local != null) {
                hosted.add(new HostedRole(role.roleId, local.epoch, local.state,
                        local.state == RoleState.RUNNING ? local.endpoint : null));
            }
        }
        return hosted;
    }

    /** The databases to probe: of every role configured with this server in its list and with a database. */
    public List<DatabaseTarget> databaseTargets() {
        List<DatabaseTarget> targets = new ArrayList<>();
        for (Role role : roles.values()) {
            RoleConfigured config = role.config;
            if (config != null && config.database() != null && config.servers().contains(serverId)) {
                targets.add(new DatabaseTarget(role.roleId, config.database().host(), config.database().port()));
            }
        }
        return targets;
    }

    /** Hosted roles per state (every state present, zero when none). */
    public Map<RoleState, Integer> countByState() {
        Map<RoleState, Integer> counts = new EnumMap<>(RoleState.class);
        for (RoleState state : RoleState.values()) {
            counts.put(state, 0);
        }
        for (Role role : roles.values()) {
            if (role.local != null) {
                counts.merge(role.local.state, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** A planned leave began and nothing runs or stops any more: the agent may exit. */
    public boolean leaveComplete() {
        return leavingSince != null && active() == 0;
    }

    /** No plugin is starting, running or stopping. */
    public boolean idle() {
        return active() == 0;
    }

    public boolean leaving() {
        return leavingSince != null;
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    public boolean leaseHeld() {
        return leaseHeld;
    }

    // ---------------------------------------------------------------------------------------------- decisions

    private void assignment(RoleAssignment event) {
        Role role = role(event.roleId());
        Assignment current = role.assignment;
        if (current != null && event.epoch() < current.epoch) {
            // While catching up this is history, superseded before the agent started: not worth a line each.
            if (!caughtUp) {
                LOG.debug("Ignoring stale assignment of role {} at epoch {} while catching up", event.roleId(),
                        event.epoch());
                return;
            }
            LOG.info("Ignoring stale assignment of role {} at epoch {} to {}: epoch {} (to {}) is current",
                    event.roleId(), event.epoch(), event.serverId(), current.epoch, current.serverId);
            return;
        }
        if (current != null && event.epoch() == current.epoch) {
            if (!Objects.equals(event.serverId(), current.serverId)) {
                LOG.warn("Ignoring assignment of role {} at epoch {} to {}: that epoch is assigned to {} already",
                        event.roleId(), event.epoch(), event.serverId(), current.serverId);
            }
            // The same assignment again, e.g. the placement adding the endpoint once the role RUNNING.
            return;
        }
        role.assignment = new Assignment(event.epoch(), event.serverId(), event.reason());
    }

    private void configured(RoleConfigured event) {
        Role role = role(event.roleId());
        if (role.config != null && event.version() < role.config.version()) {
            LOG.info("Ignoring stale configuration of role {} version {}: version {} is current",
                    event.roleId(), event.version(), role.config.version());
            return;
        }
        role.config = event;
    }

    private void stateChanged(RoleStateChanged event) {
        if (serverId.equals(event.serverId()) || event.state() != RoleState.RUNNING) {
            return;
        }
        Role role = role(event.roleId());
        if (event.epoch() > role.runningElsewhereEpoch) {
            role.runningElsewhereEpoch = event.epoch();
            role.runningElsewhereOn = event.serverId();
        }
    }

    private List<Action> reconcile(Instant now) {
        List<Action> out = new ArrayList<>();
        for (Role role : roles.values()) {
            reconcile(role, now, out);
        }
        return out;
    }

    private void reconcile(Role role, Instant now, List<Action> out) {
        Local local = role.local;
        if (local != null) {
            if (local.state == RoleState.STOPPING) {
                return;
            }
            if (local.state == RoleState.FAILED || local.state == RoleState.STOPPED) {
                Assignment assignment = role.assignment;
                if (assignment == null || assignment.epoch <= local.epoch) {
                    return;
                }
                // Moved on (or granted here again): the failed or fenced instance is history, its process is gone.
                role.local = null;
            } else {
                String why = stopReason(role, local, now);
                if (why != null) {
                    stop(role, local, timing.stopGrace(), why, null, out);
                }
                return;
            }
        }
        maybeStart(role, out);
    }

    /** Why a starting or running role must stop now, or null to keep it. */
    private String stopReason(Role role, Local local, Instant now) {
        if (shuttingDown) {
            return "the agent is shutting down";
        }
        if (!leaseHeld) {
            return "fenced: " + fencedBecause;
        }
        Assignment assignment = role.assignment;
        if (assignment != null && assignment.epoch > local.epoch) {
            if (serverId.equals(assignment.serverId)) {
                return "assigned here again at epoch " + assignment.epoch + " (" + assignment.reason + "): restarting";
            }
            if (assignment.serverId == null) {
                return "unassigned at epoch " + assignment.epoch + " (" + assignment.reason + ")";
            }
            if (assignment.reason != MoveReason.MAINTENANCE || local.state != RoleState.RUNNING) {
                return "assigned to " + assignment.serverId + " at epoch " + assignment.epoch + " ("
                        + assignment.reason + ")";
            }
            return handover(role, local, assignment, now);
        }
        if (leaveExpired) {
            return "leave.timeout (" + timing.handoverTimeout().toMillis() + " ms) passed before the role moved";
        }
        return null;
    }

    /** A planned move away from this server: break only after make. */
    private String handover(Role role, Local local, Assignment assignment, Instant now) {
        if (role.runningElsewhereEpoch >= assignment.epoch) {
            return "handed over: " + role.runningElsewhereOn + " reported it RUNNING at epoch "
                    + role.runningElsewhereEpoch;
        }
        if (local.handoverSince == null) {
            local.handoverSince = now;
            LOG.info("Role {} moves to {} at epoch {} (planned): keeping it running here until {} reports it"
                    + " RUNNING, at most {} ms", role.roleId, assignment.serverId, assignment.epoch,
                    assignment.serverId, timing.handoverTimeout().toMillis());
        }
        if (!now.isBefore(local.handoverSince.plus(timing.handoverTimeout()))) {
            return "planned move to " + assignment.serverId + " at epoch " + assignment.epoch + ": not reported"
                    + " RUNNING there within " + timing.handoverTimeout().toMillis() + " ms";
        }
        if (leaveExpired) {
            return "leave.timeout (" + timing.handoverTimeout().toMillis() + " ms) passed before "
                    + assignment.serverId + " reported the role RUNNING";
        }
        return null;
    }

    private void maybeStart(Role role, List<Action> out) {
        Assignment assignment = role.assignment;
        if (assignment == null || !serverId.equals(assignment.serverId) || assignment.epoch <= role.lastStartedEpoch
                || !caughtUp || shuttingDown) {
            return;
        }
        if (!leaseHeld) {
            waitOnce(role, assignment.epoch, "the lease (no heartbeat acknowledged recently)");
            return;
        }
        if (leavingSince != null) {
            role.lastStartedEpoch = assignment.epoch;
            role.local = new Local(assignment.epoch, RoleState.FAILED);
            String detail = "not started: the agent on " + serverId + " is leaving";
            out.add(new Action.Report(role.roleId, assignment.epoch, RoleState.FAILED, null, detail));
            LOG.warn("Role {} assigned here at epoch {} ({}) while leaving: reported FAILED, not started",
                    role.roleId, assignment.epoch, assignment.reason);
            return;
        }
        if (role.config == null) {
            waitOnce(role, assignment.epoch, "its configuration on the config-events topic");
            return;
        }
        role.lastStartedEpoch = assignment.epoch;
        role.local = new Local(assignment.epoch, RoleState.STARTING);
        String why = "assigned here at epoch " + assignment.epoch + " (" + assignment.reason + ")";
        out.add(new Action.Report(role.roleId, assignment.epoch, RoleState.STARTING, null, why));
        out.add(new Action.StartPlugin(role.roleId, assignment.epoch, role.config.plugin(), why));
        LOG.info("Starting role {} at epoch {} ({} plugin): {}", role.roleId, assignment.epoch,
                role.config.plugin() == null ? "sample" : role.config.plugin().kind(), why);
    }

    private void waitOnce(Role role, long epoch, String what) {
        if (role.waitLoggedEpoch != epoch) {
            role.waitLoggedEpoch = epoch;
            LOG.info("Role {} assigned here at epoch {}: waiting for {} before starting it", role.roleId, epoch, what);
        }
    }

    private void stop(Role role, Local local, Duration grace, String why, String failWith, List<Action> out) {
        local.state = RoleState.STOPPING;
        local.endpoint = null;
        local.stopReason = why;
        local.failWith = failWith;
        out.add(new Action.StopPlugin(role.roleId, local.epoch, grace, why));
        LOG.info("Stopping role {} at epoch {} (grace {} ms): {}", role.roleId, local.epoch, grace.toMillis(), why);
    }

    private void finishStop(Role role, Local local, List<Action> out) {
        if (local.fenced && role.assignment != null && role.assignment.epoch == local.epoch
                && serverId.equals(role.assignment.serverId)) {
            // Still assigned here: keep reporting it STOPPED at its epoch until the placement grants it again.
            local.state = RoleState.STOPPED;
            String detail = local.stopReason + "; waiting for the placement to assign it here again";
            out.add(new Action.Report(role.roleId, local.epoch, RoleState.STOPPED, null, detail));
            LOG.info("Role {} STOPPED at epoch {} by the fence, not failed: {}", role.roleId, local.epoch, detail);
        } else if (local.failWith != null) {
            local.state = RoleState.FAILED;
            out.add(new Action.Report(role.roleId, local.epoch, RoleState.FAILED, null, local.failWith));
            LOG.info("Role {} stopped at epoch {}, reported FAILED: {}", role.roleId, local.epoch, local.failWith);
        } else {
            role.local = null;
            out.add(new Action.Report(role.roleId, local.epoch, RoleState.STOPPED, null, local.stopReason));
            LOG.info("Role {} STOPPED at epoch {}: {}", role.roleId, local.epoch, local.stopReason);
        }
    }

    private Local localAt(String roleId, long epoch) {
        Role role = roles.get(roleId);
        return role != null && role.local != null && role.local.epoch == epoch ? role.local : null;
    }

    private long active() {
        return roles.values().stream()
                .filter(r -> r.local != null && r.local.state != RoleState.FAILED && r.local.state != RoleState.STOPPED)
                .count();
    }

    private Role role(String roleId) {
        return roles.computeIfAbsent(roleId, Role::new);
    }

    /** The latest assignment seen for a role. */
    private record Assignment(long epoch, String serverId, MoveReason reason) {
    }

    /** Everything known about one role. */
    private static final class Role {
        final String roleId;
        RoleConfigured config;
        Assignment assignment;
        /** The highest epoch this agent started the role at (or refused to, while leaving); never started again. */
        long lastStartedEpoch = -1;
        Local local;
        long runningElsewhereEpoch = -1;
        String runningElsewhereOn;
        long waitLoggedEpoch = -1;

        Role(String roleId) {
            this.roleId = roleId;
        }
    }

    /** The role's instance on this server. */
    private static final class Local {
        final long epoch;
        RoleState state;
        Endpoint endpoint;
        Instant handoverSince;
        String stopReason;
        /** When set, the stop ends as FAILED with this detail instead of STOPPED. */
        String failWith;
        /** Stopped by a fence: ends as STOPPED and stays hosted at its epoch while still assigned here. */
        boolean fenced;

        Local(long epoch, RoleState state) {
            this.epoch = epoch;
            this.state = state;
        }
    }
}
