package dev.baton.events;

/** Changes of role configuration, on {@link Topic#CONFIG_EVENTS}, keyed by role id. */
public sealed interface ConfigEvent extends BatonEvent permits RoleConfigured {
    String roleId();

    @Override
    default String key() {
        return roleId();
    }
}
