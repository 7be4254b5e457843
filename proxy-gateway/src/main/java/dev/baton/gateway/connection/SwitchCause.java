package dev.baton.gateway.connection;

/** Why a client connection lost its upstream. */
public enum SwitchCause {
    /** The role moved to a higher epoch: the old upstream was dropped on purpose. */
    MOVE,
    /** The upstream connection closed or failed while the role stayed at its epoch. */
    UPSTREAM_LOST
}
