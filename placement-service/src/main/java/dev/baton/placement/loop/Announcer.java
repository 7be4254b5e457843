package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.PlacementHeartbeat;

/**
 * Sends events that carry no placement decision (this instance's heartbeats, maintenance announcements) without
 * waiting: a failure is logged and counted by the implementation, never retried.
 */
interface Announcer {
    void announce(BatonEvent event);

    /** Sends this instance's heartbeat; one that fails is followed by the next a heartbeat interval later. */
    void heartbeat(PlacementHeartbeat heartbeat);
}
