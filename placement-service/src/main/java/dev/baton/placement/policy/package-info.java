/**
 * The placement policy: role configurations, the failure detector's view and the current assignments in, a
 * {@link dev.baton.placement.policy.Decision} out; and the validator of role configurations. Pure decision code:
 * no Kafka, Vert.x, JDBC or HTTP here, and time is always passed in. Start with
 * {@link dev.baton.placement.policy.PlacementPolicy}.
 */
package dev.baton.placement.policy;
