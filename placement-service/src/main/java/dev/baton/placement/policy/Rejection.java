package dev.baton.placement.policy;

import java.util.Objects;

/** A manual move request the policy refused, with a reason an API can return as is. */
public record Rejection(ManualMove request, String reason) {
    public Rejection {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(reason, "reason");
    }
}
