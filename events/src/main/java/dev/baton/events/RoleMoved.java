package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A placement decision: {@code roleId} now belongs to server {@code to} at {@code epoch}.
 *
 * @param from the previous host; absent for an INITIAL placement
 * @param cause a readable sentence saying why, e.g. "server-a DOWN: no heartbeat for 900 ms"
 * @param detectedAt when the condition that caused the move was detected (server DOWN, role FAILED); absent
 *     for moves not caused by a failure
 * @param decidedAt when the placement decided the move
 */
public record RoleMoved(
        UUID eventId,
        Instant occurredAt,
        String roleId,
        long epoch,
        @OptionalField String from,
        String to,
        MoveReason reason,
        String cause,
        @OptionalField Instant detectedAt,
        Instant decidedAt) implements RoleEvent {
    public RoleMoved {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("roleId", roleId);
        Checks.nonNegative("epoch", epoch);
        Ids.validOrNull("from", from);
        Ids.requireValid("to", to);
        Checks.required("reason", reason);
        Checks.nonBlank("cause", cause);
        Checks.required("decidedAt", decidedAt);
    }
}
