package dev.baton.placement.policy;

import java.time.Instant;
import java.util.Objects;

/** A RESOURCE_FAILURE move of a role away from {@code serverId}, decided at {@code movedAt}. */
public record ResourceFailure(String serverId, Instant movedAt) {
    public ResourceFailure {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(movedAt, "movedAt");
    }
}
