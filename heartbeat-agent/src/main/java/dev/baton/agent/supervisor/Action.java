package dev.baton.agent.supervisor;

import dev.baton.events.Endpoint;
import dev.baton.events.PluginSpec;
import dev.baton.events.RoleState;
import java.time.Duration;
import java.util.Objects;

/** What the {@link RoleSupervisor} asks its adapters to do. Each carries the role and the epoch it is about. */
public sealed interface Action {
    String roleId();

    long epoch();

    /**
     * Start the role's plugin for {@code epoch}; its outcome comes back as {@link RoleSupervisor#onPluginRunning},
     * {@link RoleSupervisor#onPluginFailed} or, after a stop, {@link RoleSupervisor#onPluginStopped}.
     *
     * @param plugin how to run it; null means the built-in sample plugin
     */
    record StartPlugin(String roleId, long epoch, PluginSpec plugin, String reason) implements Action {
        public StartPlugin {
            Objects.requireNonNull(roleId, "roleId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Stop the role's plugin started for {@code epoch}: politely, then forcibly once {@code grace} has passed. Asking
     * again with a shorter grace shortens a stop in progress. Completion comes back as
     * {@link RoleSupervisor#onPluginStopped}.
     */
    record StopPlugin(String roleId, long epoch, Duration grace, String reason) implements Action {
        public StopPlugin {
            Objects.requireNonNull(roleId, "roleId");
            Objects.requireNonNull(grace, "grace");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Publish a RoleStateChanged for the role at {@code epoch}. */
    record Report(String roleId, long epoch, RoleState state, Endpoint endpoint, String detail) implements Action {
        public Report {
            Objects.requireNonNull(roleId, "roleId");
            Objects.requireNonNull(state, "state");
        }
    }
}
