package dev.baton.placement.detector;

/** What {@link FailureDetector#onHeartbeat} did with a heartbeat; for metrics and debug logs. */
public enum HeartbeatOutcome {
    /** A newer heartbeat of the current incarnation, or the first of a new incarnation. */
    ACCEPTED,
    /** Same incarnation and sequence as the latest accepted one (a redelivery); ignored. */
    DUPLICATE,
    /** Same incarnation, lower sequence than the latest accepted one; ignored. */
    OUT_OF_ORDER,
    /** From an incarnation that a newer one has replaced; ignored. */
    STALE_INCARNATION
}
