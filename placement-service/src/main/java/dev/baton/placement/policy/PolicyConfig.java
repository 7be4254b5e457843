package dev.baton.placement.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link PlacementPolicy} that are not per role.
 *
 * @param resourceFailureBudget at most this many RESOURCE_FAILURE moves of one role within
 *     {@code resourceFailureWindow}; beyond it a role its host reports FAILED stays where it is, so a plugin that
 *     crashes everywhere cannot ping-pong between servers forever. 0 never moves a role for a resource failure
 * @param resourceFailureWindow the window the budget counts over; a server the role failed on within it is also
 *     skipped as a failback target
 */
public record PolicyConfig(int resourceFailureBudget, Duration resourceFailureWindow) {
    public static final int DEFAULT_RESOURCE_FAILURE_BUDGET = 3;
    public static final Duration DEFAULT_RESOURCE_FAILURE_WINDOW = Duration.ofMinutes(10);

    public PolicyConfig {
        if (resourceFailureBudget < 0) {
            throw new IllegalArgumentException("resourceFailureBudget must be >= 0, was " + resourceFailureBudget);
        }
        Objects.requireNonNull(resourceFailureWindow, "resourceFailureWindow is missing");
        if (resourceFailureWindow.isZero() || resourceFailureWindow.isNegative()) {
            throw new IllegalArgumentException("resourceFailureWindow must be positive");
        }
    }

    /** 3 resource-failure moves per role in 10 minutes. */
    public static PolicyConfig defaults() {
        return new PolicyConfig(DEFAULT_RESOURCE_FAILURE_BUDGET, DEFAULT_RESOURCE_FAILURE_WINDOW);
    }
}
