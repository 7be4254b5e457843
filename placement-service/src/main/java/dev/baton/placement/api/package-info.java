/**
 * The admin API and the placement loop's interface to it.
 *
 * <p>{@link dev.baton.placement.api.AdminHttpApi} is a thin Vert.x adapter: request bodies are parsed strictly by
 * {@code AdminRequests}, each edit of a role is a pure function in {@code RoleEdits} checked by the policy's
 * {@code RoleConfigValidator}, JDBC runs on a bounded worker pool, and the loop is reached only through
 * {@link dev.baton.placement.api.PlacementControl} (a snapshot to read, requests to queue). A stored change is
 * announced as a {@code RoleConfigured} event by a {@link dev.baton.placement.api.ConfigPublisher}; the store, not
 * the event, is what the local loop reloads, so a change that could not be announced is still in effect and is
 * announced again by the next request that touches the role.
 */
package dev.baton.placement.api;
