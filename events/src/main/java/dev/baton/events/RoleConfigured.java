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
 * @param gatewayPort the TCP port every gateway listens on for this role's clients, 1 to 65535; absent means the
 *     role has no endpoint unless a gateway's static {@code routes} give it one
 * @param inFlight what gateways do with the role's connections awaiting an answer when their upstream is lost;
 *     absent means the gateway's configured default ({@code close} unless set otherwise)
 * @param failbackWindow the hours of the day during which a failback may happen; absent means any hour
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
        String changedBy,
        @OptionalField Integer gatewayPort,
        @OptionalField InFlightConfig inFlight,
        @OptionalField FailbackWindow failbackWindow) implements ConfigEvent {
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
        if (gatewayPort != null && (gatewayPort < 1 || gatewayPort > 65535)) {
            throw new IllegalArgumentException("gatewayPort must be between 1 and 65535, was " + gatewayPort);
        }
    }

    /** A configuration without an in-flight policy or failback window. */
    public RoleConfigured(UUID eventId, Instant occurredAt, String roleId, long version, List<String> servers,
            boolean forceHighestPriority, long failbackDelayMs, DatabaseRef database, PluginSpec plugin,
            String changedBy, Integer gatewayPort) {
        this(eventId, occurredAt, roleId, version, servers, forceHighestPriority, failbackDelayMs, database, plugin,
                changedBy, gatewayPort, null, null);
    }

    /** A configuration without a gateway port. */
    public RoleConfigured(UUID eventId, Instant occurredAt, String roleId, long version, List<String> servers,
            boolean forceHighestPriority, long failbackDelayMs, DatabaseRef database, PluginSpec plugin,
            String changedBy) {
        this(eventId, occurredAt, roleId, version, servers, forceHighestPriority, failbackDelayMs, database, plugin,
                changedBy, null);
    }
}
