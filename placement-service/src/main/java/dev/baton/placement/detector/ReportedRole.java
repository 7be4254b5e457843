package dev.baton.placement.detector;

import dev.baton.events.Endpoint;
import dev.baton.events.RoleState;
import java.time.Instant;
import java.util.Objects;

/**
 * A role as the current incarnation of its server last reported it in a heartbeat.
 *
 * @param endpoint where the role answers; null until the agent reports one
 * @param since record timestamp of the first heartbeat of this incarnation that reported this epoch and state
 */
public record ReportedRole(String roleId, long epoch, RoleState state, Endpoint endpoint, Instant since) {
    public ReportedRole {
        Objects.requireNonNull(roleId, "roleId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
    }
}
