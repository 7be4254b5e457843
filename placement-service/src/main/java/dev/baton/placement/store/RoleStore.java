package dev.baton.placement.store;

import dev.baton.placement.detector.ServerIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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
}
