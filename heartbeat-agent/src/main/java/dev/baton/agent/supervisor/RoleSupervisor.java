package dev.baton.agent.supervisor;

import dev.baton.agent.supervisor.SupervisedRole.Assignment;
import dev.baton.agent.supervisor.SupervisedRole.Local;
import dev.baton.events.BatonEvent;
import dev.baton.events.Endpoint;
import dev.baton.events.HostedRole;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which roles this server runs: fed assignments, role configurations, the
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
 *   <li><b>Planned moves (break-before-make).</b> A role moved away for any reason is stopped at once; the gateways
 *       drained its clients before the placement committed the move. An assignment here that names a
 *       {@code handoverFrom} server is not started until the placement publishes it again without one, which it
 *       does once that server no longer runs the role: a role never runs on two servers at once.</li>
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
     * @param handoverTimeout how long a planned leave waits for the roles to move away
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
    private final Map<String, SupervisedRole> roles = new TreeMap<>();
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
            }
        }
        if (caughtUp && !this.caughtUp) {
            this.caughtUp = true;
            long here = roles.values().stream()
                    .filter(r -> r.assignment != null && serverId.equals(r.assignment.serverId())).count();
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
                roles.get(roleId).finishStop(local, serverId, out);
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
            roles.get(roleId).finishStop(local, serverId, out);
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
        for (SupervisedRole role : roles.values()) {
            Local local = role.local;
            if (local == null) {
                continue;
            }
            if (local.state == RoleState.STARTING || local.state == RoleState.RUNNING) {
                local.fenced = true;
                role.stop(local, timing.fenceGrace(), "fenced: " + why, null, out);
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
        return SupervisorViews.hostedRoles(roles.values());
    }

    /** The databases to probe: of every role configured with this server in its list and with a database. */
    public List<DatabaseTarget> databaseTargets() {
        return SupervisorViews.databaseTargets(roles.values(), serverId);
    }

    /** Hosted roles per state (every state present, zero when none). */
    public Map<RoleState, Integer> countByState() {
        return SupervisorViews.countByState(roles.values());
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
        SupervisedRole role = role(event.roleId());
        Assignment current = role.assignment;
        if (current != null && event.epoch() < current.epoch()) {
            // While catching up this is history, superseded before the agent started: not worth a line each.
            if (!caughtUp) {
                LOG.debug("Ignoring stale assignment of role {} at epoch {} while catching up", event.roleId(),
                        event.epoch());
                return;
            }
            LOG.info("Ignoring stale assignment of role {} at epoch {} to {}: epoch {} (to {}) is current",
                    event.roleId(), event.epoch(), event.serverId(), current.epoch(), current.serverId());
            return;
        }
        if (current != null && event.epoch() == current.epoch()) {
            if (!Objects.equals(event.serverId(), current.serverId())) {
                LOG.warn("Ignoring assignment of role {} at epoch {} to {}: that epoch is assigned to {} already",
                        event.roleId(), event.epoch(), event.serverId(), current.serverId());
            } else if (current.handoverFrom() != null && event.handoverFrom() == null) {
                // The placement's release: the previous host no longer runs the role.
                LOG.info("Role {} at epoch {}: {} no longer runs it", event.roleId(), event.epoch(),
                        current.handoverFrom());
                role.assignment = new Assignment(current.epoch(), current.serverId(), current.reason(), null);
            }
            // Otherwise the same assignment again, e.g. the placement adding the endpoint once the role RUNNING. A
            // handoverFrom once released is never taken back at the same epoch.
            return;
        }
        role.assignment = new Assignment(event.epoch(), event.serverId(), event.reason(), event.handoverFrom());
    }

    private void configured(RoleConfigured event) {
        SupervisedRole role = role(event.roleId());
        if (role.config != null && event.version() < role.config.version()) {
            LOG.info("Ignoring stale configuration of role {} version {}: version {} is current",
                    event.roleId(), event.version(), role.config.version());
            return;
        }
        role.config = event;
    }

    private List<Action> reconcile(Instant now) {
        List<Action> out = new ArrayList<>();
        for (SupervisedRole role : roles.values()) {
            reconcile(role, now, out);
        }
        return out;
    }

    private void reconcile(SupervisedRole role, Instant now, List<Action> out) {
        Local local = role.local;
        if (local != null) {
            if (local.state == RoleState.STOPPING) {
                return;
            }
            if (local.state == RoleState.FAILED || local.state == RoleState.STOPPED) {
                Assignment assignment = role.assignment;
                if (assignment == null || assignment.epoch() <= local.epoch) {
                    return;
                }
                // Moved on (or granted here again): the failed or fenced instance is history, its process is gone.
                role.local = null;
            } else {
                String why = stopReason(role, local, now);
                if (why != null) {
                    role.stop(local, timing.stopGrace(), why, null, out);
                }
                return;
            }
        }
        maybeStart(role, out);
    }

    /** Why a starting or running role must stop now, or null to keep it. */
    private String stopReason(SupervisedRole role, Local local, Instant now) {
        if (shuttingDown) {
            return "the agent is shutting down";
        }
        if (!leaseHeld) {
            return "fenced: " + fencedBecause;
        }
        Assignment assignment = role.assignment;
        if (assignment != null && assignment.epoch() > local.epoch) {
            if (serverId.equals(assignment.serverId())) {
                return "assigned here again at epoch " + assignment.epoch() + " (" + assignment.reason() + "): restarting";
            }
            if (assignment.serverId() == null) {
                return "unassigned at epoch " + assignment.epoch() + " (" + assignment.reason() + ")";
            }
            return "assigned to " + assignment.serverId() + " at epoch " + assignment.epoch() + " ("
                    + assignment.reason() + ")";
        }
        if (leaveExpired) {
            return "leave.timeout (" + timing.handoverTimeout().toMillis() + " ms) passed before the role moved";
        }
        return null;
    }

    private void maybeStart(SupervisedRole role, List<Action> out) {
        Assignment assignment = role.assignment;
        if (assignment == null || !serverId.equals(assignment.serverId()) || assignment.epoch() <= role.lastStartedEpoch
                || !caughtUp || shuttingDown) {
            return;
        }
        if (!leaseHeld) {
            waitOnce(role, assignment.epoch(), "the lease (no heartbeat acknowledged recently)");
            return;
        }
        if (leavingSince != null) {
            role.lastStartedEpoch = assignment.epoch();
            role.local = new Local(assignment.epoch(), RoleState.FAILED);
            String detail = "not started: the agent on " + serverId + " is leaving";
            out.add(new Action.Report(role.roleId, assignment.epoch(), RoleState.FAILED, null, detail));
            LOG.warn("Role {} assigned here at epoch {} ({}) while leaving: reported FAILED, not started",
                    role.roleId, assignment.epoch(), assignment.reason());
            return;
        }
        if (role.config == null) {
            waitOnce(role, assignment.epoch(), "its configuration on the config-events topic");
            return;
        }
        if (assignment.handoverFrom() != null) {
            waitOnce(role, assignment.epoch(), assignment.handoverFrom() + " to stop it (planned move, break before"
                    + " make)");
            return;
        }
        role.lastStartedEpoch = assignment.epoch();
        role.local = new Local(assignment.epoch(), RoleState.STARTING);
        String why = "assigned here at epoch " + assignment.epoch() + " (" + assignment.reason() + ")";
        out.add(new Action.Report(role.roleId, assignment.epoch(), RoleState.STARTING, null, why));
        out.add(new Action.StartPlugin(role.roleId, assignment.epoch(), role.config.plugin(), why));
        LOG.info("Starting role {} at epoch {} ({} plugin): {}", role.roleId, assignment.epoch(),
                role.config.plugin() == null ? "sample" : role.config.plugin().kind(), why);
    }

    private void waitOnce(SupervisedRole role, long epoch, String what) {
        if (role.waitLoggedEpoch != epoch || !what.equals(role.waitLoggedFor)) {
            role.waitLoggedEpoch = epoch;
            role.waitLoggedFor = what;
            LOG.info("Role {} assigned here at epoch {}: waiting for {} before starting it", role.roleId, epoch, what);
        }
    }

    private Local localAt(String roleId, long epoch) {
        SupervisedRole role = roles.get(roleId);
        return role != null && role.local != null && role.local.epoch == epoch ? role.local : null;
    }

    private long active() {
        return roles.values().stream()
                .filter(SupervisedRole::active).count();
    }

    private SupervisedRole role(String roleId) {
        return roles.computeIfAbsent(roleId, SupervisedRole::new);
    }
}
