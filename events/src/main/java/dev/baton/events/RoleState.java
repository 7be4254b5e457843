package dev.baton.events;

/** The state of a role on the server that hosts it, as its agent reports it. */
public enum RoleState {
    STARTING,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED
}
