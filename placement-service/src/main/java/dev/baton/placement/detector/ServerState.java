package dev.baton.placement.detector;

/** The state of a server as the placement policy sees it. */
public enum ServerState {
    /** Heartbeating within the failure timeout and not in maintenance. */
    UP,
    /** Declared DOWN by the failure detector: no heartbeat read for the failure timeout. */
    DOWN,
    /** Scheduled downtime set by an operator; wins over UP and DOWN. Its roles leave it by planned moves. */
    MAINTENANCE
}
