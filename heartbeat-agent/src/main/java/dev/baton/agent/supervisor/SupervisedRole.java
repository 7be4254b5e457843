package dev.baton.agent.supervisor;

import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleState;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the {@link RoleSupervisor} knows about one role: its configuration, assignment and local instance, and
 * how that instance stops.
 */
final class SupervisedRole {
    private static final Logger LOG = LoggerFactory.getLogger(RoleSupervisor.class);

    final String roleId;
    RoleConfigured config;
    Assignment assignment;
    /** The highest epoch this agent started the role at (or refused to, while leaving); never started again. */
    long lastStartedEpoch = -1;
    Local local;
    long waitLoggedEpoch = -1;
    String waitLoggedFor;

    SupervisedRole(String roleId) {
        this.roleId = roleId;
    }

    /** Whether an instance of the role is starting, running or stopping here. */
    boolean active() {
        return local != null && local.state != RoleState.FAILED && local.state != RoleState.STOPPED;
    }

    /** Asks the plugin of {@code local} to stop within {@code grace}; {@code failWith} ends the stop as FAILED. */
    void stop(Local local, Duration grace, String why, String failWith, List<Action> out) {
        local.state = RoleState.STOPPING;
        local.endpoint = null;
        local.stopReason = why;
        local.failWith = failWith;
        out.add(new Action.StopPlugin(roleId, local.epoch, grace, why));
        LOG.info("Stopping role {} at epoch {} (grace {} ms): {}", roleId, local.epoch, grace.toMillis(), why);
    }

    /** The plugin of {@code local} is gone after a stop: report it, and keep it hosted only after a fence. */
    void finishStop(Local local, String serverId, List<Action> out) {
        if (local.fenced && assignment != null && assignment.epoch() == local.epoch
                && serverId.equals(assignment.serverId())) {
            // Still assigned here: keep reporting it STOPPED at its epoch until the placement grants it again.
            local.state = RoleState.STOPPED;
            String detail = local.stopReason + "; waiting for the placement to assign it here again";
            out.add(new Action.Report(roleId, local.epoch, RoleState.STOPPED, null, detail));
            LOG.info("Role {} STOPPED at epoch {} by the fence, not failed: {}", roleId, local.epoch, detail);
        } else if (local.failWith != null) {
            local.state = RoleState.FAILED;
            out.add(new Action.Report(roleId, local.epoch, RoleState.FAILED, null, local.failWith));
            LOG.info("Role {} stopped at epoch {}, reported FAILED: {}", roleId, local.epoch, local.failWith);
        } else {
            this.local = null;
            out.add(new Action.Report(roleId, local.epoch, RoleState.STOPPED, null, local.stopReason));
            LOG.info("Role {} STOPPED at epoch {}: {}", roleId, local.epoch, local.stopReason);
        }
    }

    /**
     * The latest assignment seen for a role.
     *
     * @param handoverFrom a server that may still run the role: the assigned server waits until it is absent
     */
    record Assignment(long epoch, String serverId, MoveReason reason, String handoverFrom) {
    }

    /** The role's instance on this server. */
    static final class Local {
        final long epoch;
        RoleState state;
        Endpoint endpoint;
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
