package dev.baton.placement.api;

import dev.baton.placement.detector.ServerIdentity;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.RoleStore;
import dev.baton.placement.store.ServerRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link RoleStore} passing every call to a real one, where a test can make the next call fail or slip another
 * change in just before the next update: races and outages on demand, without sleeps.
 */
final class ScriptableStore implements RoleStore {
    private final RoleStore delegate;
    private final AtomicReference<RuntimeException> nextFailure = new AtomicReference<>();
    private final AtomicReference<Runnable> beforeNextUpdate = new AtomicReference<>();

    ScriptableStore(RoleStore delegate) {
        this.delegate = delegate;
    }

    /** The next call of any method throws {@code failure} instead of reaching the store. */
    void failNextCall(RuntimeException failure) {
        nextFailure.set(failure);
    }

    /** {@code change} runs right before the next update reaches the store, as another writer would. */
    void beforeNextUpdate(Runnable change) {
        beforeNextUpdate.set(change);
    }

    private void failIfAsked() {
        RuntimeException failure = nextFailure.getAndSet(null);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public List<RoleDefinition> roles() {
        failIfAsked();
        return delegate.roles();
    }

    @Override
    public Optional<RoleDefinition> role(String roleId) {
        failIfAsked();
        return delegate.role(roleId);
    }

    @Override
    public List<ServerRecord> servers() {
        failIfAsked();
        return delegate.servers();
    }

    @Override
    public Optional<ServerRecord> server(String serverId) {
        failIfAsked();
        return delegate.server(serverId);
    }

    @Override
    public ServerRecord registerServer(ServerIdentity identity, Instant seenAt) {
        failIfAsked();
        return delegate.registerServer(identity, seenAt);
    }

    @Override
    public Optional<ServerRecord> setMaintenance(String serverId, boolean maintenance, String by) {
        failIfAsked();
        return delegate.setMaintenance(serverId, maintenance, by);
    }

    @Override
    public RoleDefinition create(RoleDefinition role) {
        failIfAsked();
        return delegate.create(role);
    }

    @Override
    public RoleDefinition update(RoleDefinition role) {
        failIfAsked();
        Runnable change = beforeNextUpdate.getAndSet(null);
        if (change != null) {
            change.run();
        }
        return delegate.update(role);
    }

    @Override
    public RoleDefinition delete(String roleId, long version) {
        failIfAsked();
        return delegate.delete(roleId, version);
    }
}
