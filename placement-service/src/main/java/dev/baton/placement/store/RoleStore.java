package dev.baton.placement.store;

import dev.baton.placement.detector.ServerIdentity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Role and server configuration, persisted (PostgreSQL in production). Blocking: never call it on an event
 * loop. Every mutation returns what is stored afterwards. Any method throws {@link RoleStoreException.Unavailable}
 * when the store cannot be reached.
 */
public interface RoleStore {

    /** Every role, ordered by role id. */
    List<RoleDefinition> roles();

    Optional<RoleDefinition> role(String roleId);

    /** Every registered server, ordered by server id. */
    List<ServerRecord> servers();

    Optional<ServerRecord> server(String serverId);

    /**
     * Records a server seen in a heartbeat: inserted on first sight, kind and host updated afterwards. The
     * maintenance flag is kept.
     */
    ServerRecord registerServer(ServerIdentity identity, Instant seenAt);

    /** A server seen in a heartbeat at {@code seenAt}, to register. */
    record Sighting(ServerIdentity identity, Instant seenAt) {
    }

    /**
     * {@link #registerServer} for many servers at once, in one transaction where the store can; a server listed
     * twice is registered as its last sighting says. Returns what is stored, ordered by server id.
     */
    default List<ServerRecord> registerServers(List<Sighting> sightings) {
        Map<String, Sighting> last = new TreeMap<>();
        sightings.forEach(sighting -> last.put(sighting.identity().serverId(), sighting));
        List<ServerRecord> stored = new ArrayList<>();
        for (Sighting sighting : last.values()) {
            stored.add(registerServer(sighting.identity(), sighting.seenAt()));
        }
        return stored;
    }

    /** Sets or clears the maintenance flag; returns the stored server, or empty when it is not registered. */
    Optional<ServerRecord> setMaintenance(String serverId, boolean maintenance, String by);

    /**
     * Stores a new role at version 1 (the version of {@code role} is ignored).
     *
     * @throws RoleStoreException.Conflict when the role exists
     */
    RoleDefinition create(RoleDefinition role);

    /**
     * Replaces a role when its stored version is {@code role.version() - 1}.
     *
     * @throws RoleStoreException.NotFound when the role does not exist
     * @throws RoleStoreException.Conflict when another change came first
     */
    RoleDefinition update(RoleDefinition role);

    /**
     * Deletes a role (its server list with it) when its stored version is {@code version}.
     *
     * @return the definition that was deleted
     * @throws RoleStoreException.NotFound when the role does not exist
     * @throws RoleStoreException.Conflict when another change came first
     */
    RoleDefinition delete(String roleId, long version);
}
