package dev.baton.runtime.http;

import java.util.Map;

/**
 * The answer of {@code /health/ready}: whether the service can do its job now, and details a person reads
 * (for example which instance leads, or how far behind a consumer is).
 */
public record Readiness(boolean ready, Map<String, Object> details) {
    public Readiness {
        details = Map.copyOf(details);
    }

    public static Readiness ready(Map<String, Object> details) {
        return new Readiness(true, details);
    }

    public static Readiness notReady(Map<String, Object> details) {
        return new Readiness(false, details);
    }
}
