package dev.baton.events;

/** Events about one server, on {@link Topic#SERVER_EVENTS}, keyed by server id. */
public sealed interface ServerEvent extends BatonEvent
        permits ServerJoined, ServerDown, ServerUp, MaintenanceStarted, MaintenanceEnded {
    String serverId();

    @Override
    default String key() {
        return serverId();
    }
}
