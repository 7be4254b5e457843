package dev.baton.agent.supervisor;

import java.util.Objects;

/** A role's database that this server must report reachability of: a TCP connect to {@code host:port}. */
public record DatabaseTarget(String roleId, String host, int port) {
    public DatabaseTarget {
        Objects.requireNonNull(roleId, "roleId");
        Objects.requireNonNull(host, "host");
    }
}
