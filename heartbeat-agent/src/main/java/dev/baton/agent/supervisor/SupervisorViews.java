package dev.baton.agent.supervisor;

import dev.baton.events.HostedRole;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What the agent publishes and probes, read off the supervised roles: heartbeat entries, databases, counts. */
final class SupervisorViews {
    private SupervisorViews() {
    }

    /**
     * Every role this server hosts (starting, running, stopping or failed, or stopped by a fence at the epoch still
     * assigned here), for the heartbeat.
     */
    static List<HostedRole> hostedRoles(Collection<SupervisedRole> roles) {
        List<HostedRole> hosted = new ArrayList<>();
        for (SupervisedRole role : roles) {
            SupervisedRole.Local local = role.local;
            if (local != null) {
                hosted.add(new HostedRole(role.roleId, local.epoch, local.state,
                        local.state == RoleState.RUNNING ? local.endpoint : null));
            }
        }
        return hosted;
    }

    /** The databases to probe: of every role configured with {@code serverId} in its list and with a database. */
    static List<DatabaseTarget> databaseTargets(Collection<SupervisedRole> roles, String serverId) {
        List<DatabaseTarget> targets = new ArrayList<>();
        for (SupervisedRole role : roles) {
            RoleConfigured config = role.config;
            if (config != null && config.database() != null && config.servers().contains(serverId)) {
                targets.add(new DatabaseTarget(role.roleId, config.database().host(), config.database().port()));
            }
        }
        return targets;
    }

    /** Hosted roles per state (every state present, zero when none). */
    static Map<RoleState, Integer> countByState(Collection<SupervisedRole> roles) {
        Map<RoleState, Integer> counts = new EnumMap<>(RoleState.class);
        for (RoleState state : RoleState.values()) {
            counts.put(state, 0);
        }
        for (SupervisedRole role : roles) {
            if (role.local != null) {
                counts.merge(role.local.state, 1, Integer::sum);
            }
        }
        return counts;
    }
}
