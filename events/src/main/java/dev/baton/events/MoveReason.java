package dev.baton.events;

/** Why a role was (re)assigned. */
public enum MoveReason {
    /** First placement of a role that ran nowhere. */
    INITIAL,
    /** The host stopped heartbeating and was declared DOWN. */
    FAILOVER,
    /** Back to a higher-priority server that has been healthy for the stabilization delay. */
    FAILBACK,
    /** The host entered scheduled downtime: a planned move. */
    MAINTENANCE,
    /** An operator asked for it. */
    MANUAL,
    /** The host reported the role FAILED. */
    RESOURCE_FAILURE
}
