package dev.baton.events;

/** Whether a server reaches a role's database (a TCP connect to its host and port), inside a {@link Heartbeat}. */
public record DatabaseReach(String roleId, boolean reachable) {
    public DatabaseReach {
        Ids.requireValid("roleId", roleId);
    }
}
