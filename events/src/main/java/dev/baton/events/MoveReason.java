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
    RESOURCE_FAILURE,
    /**
     * Not a move: the host stopped the role when its lease ran out (a fence, e.g. while the broker was paused) and
     * reports it STOPPED at the epoch it still holds; the placement grants it to the same host again at the next
     * epoch so it restarts in place.
     */
    RESUME
}
