package dev.baton.placement.store;

import dev.baton.events.DatabaseRef;
import dev.baton.events.FailbackWindow;
import dev.baton.events.InFlightConfig;
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
 * @param inFlight what gateways do with the role's connections awaiting an answer when their upstream is lost; null
 *     leaves it to each gateway's configuration
 * @param failbackWindow the hours of the day (UTC) during which a failback may happen; null means any hour
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
        Integer gatewayPort,
        InFlightConfig inFlight,
        FailbackWindow failbackWindow) {

    public RoleDefinition {
        Objects.requireNonNull(roleId, "roleId");
        servers = List.copyOf(servers);
        Objects.requireNonNull(failbackDelay, "failbackDelay");
        Objects.requireNonNull(updatedBy, "updatedBy");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** A definition without an in-flight policy or failback window. */
    public RoleDefinition(String roleId, long version, List<String> servers, boolean forceHighestPriority,
            Duration failbackDelay, DatabaseRef database, PluginSpec plugin, String updatedBy, Instant updatedAt,
            Integer gatewayPort) {
        this(roleId, version, servers, forceHighestPriority, failbackDelay, database, plugin, updatedBy, updatedAt,
                gatewayPort, null, null);
    }

    /** This definition with another server list. */
    public RoleDefinition withServers(List<String> newServers) {
        return new RoleDefinition(roleId, version, newServers, forceHighestPriority, failbackDelay, database, plugin,
                updatedBy, updatedAt, gatewayPort, inFlight, failbackWindow);
    }

    /** This definition with other failback settings. */
    public RoleDefinition withFailback(boolean force, Duration delay, FailbackWindow window) {
        return new RoleDefinition(roleId, version, servers, force, delay, database, plugin, updatedBy, updatedAt,
                gatewayPort, inFlight, window);
    }

    /** This definition with another database (null: none). */
    public RoleDefinition withDatabase(DatabaseRef newDatabase) {
        return new RoleDefinition(roleId, version, servers, forceHighestPriority, failbackDelay, newDatabase, plugin,
                updatedBy, updatedAt, gatewayPort, inFlight, failbackWindow);
    }

    /** This definition with another gateway port (null: none). */
    public RoleDefinition withGatewayPort(Integer port) {
        return new RoleDefinition(roleId, version, servers, forceHighestPriority, failbackDelay, database, plugin,
                updatedBy, updatedAt, port, inFlight, failbackWindow);
    }

    /** This definition with another in-flight policy (null: the gateways' default). */
    public RoleDefinition withInFlight(InFlightConfig policy) {
        return new RoleDefinition(roleId, version, servers, forceHighestPriority, failbackDelay, database, plugin,
                updatedBy, updatedAt, gatewayPort, policy, failbackWindow);
    }

    /** This definition with another plugin (null: the sample plugin). */
    public RoleDefinition withPlugin(PluginSpec newPlugin) {
        return new RoleDefinition(roleId, version, servers, forceHighestPriority, failbackDelay, database, newPlugin,
                updatedBy, updatedAt, gatewayPort, inFlight, failbackWindow);
    }

    /** This definition stamped with a version, author and time. */
    public RoleDefinition stamped(long newVersion, String by, Instant at) {
        return new RoleDefinition(roleId, newVersion, servers, forceHighestPriority, failbackDelay, database, plugin,
                by, at, gatewayPort, inFlight, failbackWindow);
    }

    /** What the placement policy needs of it. */
    public RoleConfig toRoleConfig() {
        return new RoleConfig(roleId, servers, forceHighestPriority, failbackDelay, database, failbackWindow);
    }

    /** The event announcing this configuration on the config-events topic. */
    public RoleConfigured toEvent(UUID eventId, Instant occurredAt) {
        return new RoleConfigured(eventId, occurredAt, roleId, version, servers, forceHighestPriority,
                failbackDelay.toMillis(), database, plugin, updatedBy, gatewayPort, inFlight, failbackWindow);
    }
}
