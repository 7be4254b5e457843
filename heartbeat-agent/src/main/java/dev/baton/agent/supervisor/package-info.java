/**
 * The agent's decisions, as plain objects: {@link dev.baton.agent.supervisor.RoleSupervisor} (which roles to start,
 * stop and report, from assignments, configuration, plugin outcomes, the lease and a planned leave) and
 * {@link dev.baton.agent.supervisor.Lease} (whether heartbeats are acknowledged recently enough to run roles).
 * No Kafka, Vert.x, process or socket code here, and time is always passed in; the adapters around them live in
 * {@code dev.baton.agent.kafka}, {@code dev.baton.agent.plugin} and {@code dev.baton.agent}.
 */
package dev.baton.agent.supervisor;
