package dev.baton.placement.store;

import dev.baton.events.DatabaseRef;
import dev.baton.events.PluginSpec;
import dev.baton.events.RoleConfigured;
import dev.baton.placement.policy.RoleConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A role's configuration as stored: what the admin API edits and what {@link RoleConfigured} publishes.
 *
 * @param version increases by one with every change; optimistic concurrency for updates
 * @param servers priority order, highest first
 * @param database the remote database server; null until set
 * @param plugin how agents run the role; null means the built-in sample plugin
 * @param updatedBy who made the last change
 * @param gatewayPort the port every gateway listens on for the role's clients (1 to 65535, unique among roles);
 *     null when the role has none
 */
public record RoleDefinition(
        String roleId,
        long version,
        List<String> servers,
        boolean forceHighestPriority,
        Duration failbackDelay,
        DatabaseRef database,
        PluginSpec plugin,
        String updatedBy,
        Instant updatedAt,
        Integer gatewayPort) {

    public RoleDefinition {
        Objects.requireNonNull(roleId, "roleId");
        servers = List.copyOf(servers);
        Objects.requireNonNull(failbackDelay, "failbackDelay");
        Objects.requireNonNull(updatedBy, "updatedBy");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** What the placement policy needs of it. */
    public RoleConfig toRoleConfig() {
        return new RoleConfig(roleId, servers, forceHighestPriority, failbackDelay, database);
    }

    /** The event announcing this configuration on the config-events topic. */
    public RoleConfigured toEvent(UUID eventId, Instant occurredAt) {
        return new RoleConfigured(eventId, occurredAt, roleId, version, servers, forceHighestPriority,
                failbackDelay.toMillis(), database, plugin, updatedBy, gatewayPort);
    }
}
