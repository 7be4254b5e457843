package dev.baton.placement.policy;

import java.util.Objects;

/**
 * An operator's request to move a role to {@code to}. The policy accepts it (a MANUAL move) only when {@code to}
 * is in the role's server list, is eligible, is not the current host, and a forced failback would not undo it.
 */
public record ManualMove(String roleId, String to, String requestedBy) {
    public ManualMove {
        Objects.requireNonNull(roleId, "roleId");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(requestedBy, "requestedBy");
    }
}
