package dev.baton.placement.api;

import dev.baton.events.RoleConfigured;
import java.util.concurrent.CompletableFuture;

/**
 * Announces a role's configuration on the config-events topic after the admin API stored it.
 *
 * <p>{@link #publish} does not wait for the broker: it hands the event over and returns a future that completes
 * once the event is acknowledged (or fails with the reason). Events handed over one after the other for the same
 * role are published in that order, so the compacted topic ends with the latest version.
 */
public interface ConfigPublisher {

    /** Publishes {@code event}, keyed by its role id; completes when the broker has acknowledged it. */
    CompletableFuture<Void> publish(RoleConfigured event);

    /**
     * Publishes a tombstone (a record without a value) for {@code roleId}: the role was deleted. Compaction keeps
     * it until it has been read, then removes the key. Completes when the broker has acknowledged it.
     */
    CompletableFuture<Void> publishDeletion(String roleId);
}
