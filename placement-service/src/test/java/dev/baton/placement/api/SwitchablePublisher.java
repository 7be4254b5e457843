package dev.baton.placement.api;

import dev.baton.events.RoleConfigured;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.TimeoutException;

/** A {@link ConfigPublisher} passing events to a real one, whose next publication a test can make fail. */
final class SwitchablePublisher implements ConfigPublisher {
    private final ConfigPublisher delegate;
    private final AtomicBoolean failNext = new AtomicBoolean();

    SwitchablePublisher(ConfigPublisher delegate) {
        this.delegate = delegate;
    }

    /** The next event is not published: its future fails as the producer's does when the cluster is gone. */
    void failNext() {
        failNext.set(true);
    }

    @Override
    public CompletableFuture<Void> publish(RoleConfigured event) {
        if (failNext.getAndSet(false)) {
            return CompletableFuture.failedFuture(new TimeoutException(
                    "Expiring 1 record(s) for config-events-0: 15000 ms has passed since batch creation"));
        }
        return delegate.publish(event);
    }

    @Override
    public CompletableFuture<Void> publishDeletion(String roleId) {
        if (failNext.getAndSet(false)) {
            return CompletableFuture.failedFuture(new TimeoutException(
                    "Expiring 1 record(s) for config-events-0: 15000 ms has passed since batch creation"));
        }
        return delegate.publishDeletion(roleId);
    }
}
