package dev.baton.gateway.net;

import dev.baton.events.ProxyEvent;

/** Where the gateway's ProxyReconnected and ProxyReconnectFailed go; must not block the caller (an event loop). */
@FunctionalInterface
public interface ProxyEventSink {
    void publish(ProxyEvent event);
}
