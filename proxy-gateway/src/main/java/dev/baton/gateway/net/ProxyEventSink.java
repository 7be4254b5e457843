package dev.baton.gateway.net;

import dev.baton.events.GatewayHeartbeat;
import dev.baton.events.ProxyEvent;

/**
 * Where the gateway's ProxyReconnected, ProxyReconnectFailed and ProxyDrained go, and its heartbeats; must not block
 * the caller (an event loop).
 */
@FunctionalInterface
public interface ProxyEventSink {
    void publish(ProxyEvent event);

    /** The gateway is alive; dropped unless the sink publishes heartbeats. */
    default void heartbeat(GatewayHeartbeat heartbeat) {
    }
}
