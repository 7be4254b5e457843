/**
 * Role and server configuration at rest: {@link dev.baton.placement.store.RoleStore} and its PostgreSQL adapter
 * {@link dev.baton.placement.store.PostgresRoleStore}.
 *
 * <p>The tables live in the PostgreSQL schema {@code placement} (Flyway migrations in {@code db/placement}, with
 * their own history table there), so the service can share a database with the audit service. A role's version is
 * its optimistic lock: an update names the version it replaces, and of two concurrent updates from the same version
 * exactly one is stored. The store keeps what it is given; the rules a configuration must follow are the admin
 * API's ({@code dev.baton.placement.api}) and the policy's validator.
 */
package dev.baton.placement.store;
