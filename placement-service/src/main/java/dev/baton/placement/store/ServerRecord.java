package dev.baton.placement.store;

import dev.baton.events.ServerKind;
import java.time.Instant;
import java.util.Objects;

/**
 * A server as stored: registered on its first heartbeat, with the maintenance flag operators set.
 *
 * @param maintenanceBy who put it in maintenance; null when not in maintenance
 */
public record ServerRecord(
        String serverId,
        ServerKind kind,
        String host,
        Instant firstSeenAt,
        boolean maintenance,
        String maintenanceBy) {
    public ServerRecord {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(firstSeenAt, "firstSeenAt");
    }
}
