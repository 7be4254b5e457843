package dev.baton.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The full configuration of a role after a change, on the compacted {@link Topic#CONFIG_EVENTS}.
 *
 * @param version increases by one with every change of this role's configuration
 * @param servers the role's servers in priority order, highest first
 * @param forceHighestPriority move the role back to the highest-priority healthy server (failback)
 * @param failbackDelayMs how long a higher-priority server must stay UP before a failback
 * @param database the role's remote database server
 * @param plugin how agents run the role; absent means the built-in sample plugin
 * @param changedBy who made the change
 */
public record RoleConfigured(
        UUID eventId,
        Instant occurredAt,
        String roleId,
        long version,
        List<String> servers,
        boolean forceHighestPriority,
        long failbackDelayMs,
        @OptionalField DatabaseRef database,
        @OptionalField PluginSpec plugin,
        String changedBy) implements ConfigEvent {
    public RoleConfigured {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("roleId", roleId);
        Checks.nonNegative("version", version);
        servers = Checks.list("servers", servers);
        for (int i = 0; i < servers.size(); i++) {
            Ids.requireValid("servers[" + i + "]", servers.get(i));
        }
        Checks.nonNegative("failbackDelayMs", failbackDelayMs);
        Checks.nonBlank("changedBy", changedBy);
    }
}
