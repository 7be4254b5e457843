package dev.baton.placement.loop;

import dev.baton.placement.detector.ServerIdentity;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.RoleStore;
import dev.baton.placement.store.RoleStoreException;
import dev.baton.placement.store.ServerRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Roles in memory; a test can make every call fail as an unreachable database does. */
final class FakeStore implements RoleStore {
    private final List<RoleDefinition> roles = new CopyOnWriteArrayList<>();
    private final AtomicInteger roleReads = new AtomicInteger();
    private volatile boolean down;

    FakeStore(List<RoleDefinition> roles) {
        this.roles.addAll(roles);
    }

    void down(boolean down) {
        this.down = down;
    }

    int roleReads() {
        return roleReads.get();
    }

    private void failIfDown() {
        if (down) {
            throw new RoleStoreException.Unavailable("the database does not answer", null);
        }
    }

    @Override
    public List<RoleDefinition> roles() {
        roleReads.incrementAndGet();
        failIfDown();
        return List.copyOf(roles);
    }

    @Override
    public Optional<RoleDefinition> role(String roleId) {
        failIfDown();
        return roles.stream().filter(r -> r.roleId().equals(roleId)).findFirst();
    }

    @Override
    public List<ServerRecord> servers() {
        failIfDown();
        return List.of();
    }

    @Override
    public Optional<ServerRecord> server(String serverId) {
        failIfDown();
        return Optional.empty();
    }

    @Override
    public ServerRecord registerServer(ServerIdentity identity, Instant seenAt) {
        failIfDown();
        return new ServerRecord(identity.serverId(), identity.kind(), identity.host(), seenAt, false, null, null);
    }

    @Override
    public Optional<ServerRecord> setMaintenance(String serverId, boolean maintenance, String by) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RoleDefinition create(RoleDefinition role) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RoleDefinition update(RoleDefinition role) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RoleDefinition delete(String roleId, long version) {
        throw new UnsupportedOperationException();
    }
}
