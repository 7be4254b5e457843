package dev.baton.placement.store;

import dev.baton.events.ServerKind;
import java.time.Instant;
import java.util.Objects;

/**
 * A server as stored: registered on its first heartbeat, with the maintenance flag operators set.
 *
 * @param host the address it advertised in its latest registration
 * @param firstSeenAt when it registered
 * @param maintenanceBy who put it in maintenance; null when not in maintenance
 * @param maintenanceSince when it was put in maintenance; null when not in maintenance
 */
public record ServerRecord(
        String serverId,
        ServerKind kind,
        String host,
        Instant firstSeenAt,
        boolean maintenance,
        String maintenanceBy,
        Instant maintenanceSince) {
    public ServerRecord {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(firstSeenAt, "firstSeenAt");
    }

    /** A server record without the time maintenance started, e.g. for an in-memory store in a test. */
    public ServerRecord(String serverId, ServerKind kind, String host, Instant firstSeenAt, boolean maintenance,
            String maintenanceBy) {
        this(serverId, kind, host, firstSeenAt, maintenance, maintenanceBy, null);
    }
}
