package dev.baton.events;

/** One role as its host sees it, inside a {@link Heartbeat}. */
public record HostedRole(String roleId, long epoch, RoleState state, @OptionalField Endpoint endpoint) {
    public HostedRole {
        Ids.requireValid("roleId", roleId);
        Checks.nonNegative("epoch", epoch);
        Checks.required("state", state);
    }
}
