package dev.baton.placement.policy;

import dev.baton.events.DatabaseRef;
import dev.baton.events.FailbackWindow;
import dev.baton.events.RoleConfigured;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A role's configuration as the placement needs it. The constructor only rejects nulls; whether the
 * configuration is acceptable is {@link RoleConfigValidator}'s job.
 *
 * @param servers the role's servers in priority order, highest first
 * @param forceHighestPriority move the role back to the highest-priority eligible server once that one has been
 *     UP for {@code failbackDelay} (FAILBACK); otherwise the role stays where it is after a failover
 * @param failbackDelay how long a higher-priority server must be UP without interruption before a failback
 * @param database the role's remote database server; null when the role has none
 * @param failbackWindow the hours of the day (UTC) during which a failback may happen; null means any hour
 */
public record RoleConfig(String roleId, List<String> servers, boolean forceHighestPriority, Duration failbackDelay,
        DatabaseRef database, FailbackWindow failbackWindow) {
    public RoleConfig {
        Objects.requireNonNull(roleId, "roleId is missing");
        servers = List.copyOf(Objects.requireNonNull(servers, "servers is missing"));
        Objects.requireNonNull(failbackDelay, "failbackDelay is missing");
    }

    /** A configuration without a failback window: failback at any hour. */
    public RoleConfig(String roleId, List<String> servers, boolean forceHighestPriority, Duration failbackDelay,
            DatabaseRef database) {
        this(roleId, servers, forceHighestPriority, failbackDelay, database, null);
    }

    /** The configuration carried by a config event. */
    public static RoleConfig from(RoleConfigured event) {
        return new RoleConfig(event.roleId(), event.servers(), event.forceHighestPriority(),
                Duration.ofMillis(event.failbackDelayMs()), event.database(), event.failbackWindow());
    }

    /** True when {@code serverId} is in this role's server list. O(list length). */
    public boolean lists(String serverId) {
        return servers.contains(serverId);
    }
}
