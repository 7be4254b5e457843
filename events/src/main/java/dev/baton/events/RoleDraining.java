package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The first phase of a planned move (MAINTENANCE, FAILBACK, MANUAL, an agent's planned leave): the placement asks
 * every gateway to take the role's clients off {@code from} before the move is committed. A gateway stops forwarding
 * new client bytes of the role to {@code from} (it holds them), waits for the answers still owed, and reports
 * {@link ProxyDrained}. The move itself follows as RoleMoved and RoleAssignment at a higher epoch once every live
 * gateway reported, or the placement's bound passed; nothing is assigned by this event.
 *
 * @param epoch the role's current epoch, the one being drained; the move will get a higher one
 * @param from the host the role leaves
 * @param to the host the placement intends to move it to (the committed move may name another one if that host
 *     became ineligible meanwhile)
 * @param reason the planned reason of the move
 * @param cause a readable sentence saying why
 */
public record RoleDraining(
        UUID eventId,
        Instant occurredAt,
        String roleId,
        long epoch,
        String from,
        String to,
        MoveReason reason,
        String cause) implements RoleEvent {
    public RoleDraining {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("roleId", roleId);
        Checks.nonNegative("epoch", epoch);
        Ids.requireValid("from", from);
        Ids.requireValid("to", to);
        Checks.required("reason", reason);
        Checks.nonBlank("cause", cause);
    }
}
