package dev.baton.gateway.routing;

/** What the gateway knows about where a role runs at its newest epoch. */
public enum RouteStatus {
    /** No assignment, move or state report seen for the role yet. */
    UNKNOWN,
    /** The role belongs to a server at the newest epoch, which has not reported it RUNNING yet. */
    MOVING,
    /** The assigned server reported the role RUNNING at the newest epoch: its endpoint is the upstream. */
    RUNNING,
    /** The assigned server reported the role STOPPING, STOPPED or FAILED at the newest epoch, without a move yet. */
    DOWN,
    /** No server is eligible for the role at the newest epoch. */
    UNPLACED
}
