package dev.baton.events;

/** Events about one role, on {@link Topic#ROLE_EVENTS}, keyed by role id. */
public sealed interface RoleEvent extends BatonEvent permits RoleMoved, RoleStateChanged, RoleUnplaced, RoleDraining {
    String roleId();

    long epoch();

    @Override
    default String key() {
        return roleId();
    }
}
