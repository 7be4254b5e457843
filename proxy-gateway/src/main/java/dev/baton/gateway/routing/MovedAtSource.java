package dev.baton.gateway.routing;

/**
 * Whose clock {@link Route#movedAt()} comes from. The reconnect time of a move is measured from the placement's
 * decision when the gateway saw it (the RoleMoved's {@code occurredAt}), else from the assignment that raised the
 * epoch, else from the moment the gateway itself learnt of the new epoch.
 */
public enum MovedAtSource {
    /** {@code RoleMoved.occurredAt}: the placement's clock, the preferred origin. */
    ROLE_MOVED,
    /** {@code RoleAssignment.occurredAt} of the record that raised the epoch: the placement's clock too. */
    ASSIGNMENT,
    /** The gateway's clock when it learnt of the epoch from an agent's report. */
    GATEWAY
}
