package dev.baton.events;

/** What the proxy gateway did for a role's clients, on {@link Topic#PROXY_EVENTS}, keyed by role id. */
public sealed interface ProxyEvent extends BatonEvent permits ProxyReconnected, ProxyReconnectFailed, ProxyDrained {
    String roleId();

    String gatewayId();

    long epoch();

    @Override
    default String key() {
        return roleId();
    }
}
