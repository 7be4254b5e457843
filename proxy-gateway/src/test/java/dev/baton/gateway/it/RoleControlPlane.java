package dev.baton.gateway.it;

/**
 * The part of Baton the gateway follows, as the failover tests drive it. {@link ScriptedControlPlane} publishes the
 * placement's and the agents' events itself; a system test can implement the same three steps with the real
 * placement-service and heartbeat-agents running the built-in plugin (start the role on a server; stop that
 * server's agent; wait for the role's RUNNING on the next one) and reuse the tests unchanged.
 */
interface RoleControlPlane {

    /** Places {@code roleId} on {@code host} and returns once the host reported it RUNNING. */
    void runOn(String roleId, SampleUpstream host);

    /**
     * Takes {@code roleId} off its host towards {@code to} (a failover decision) and returns before {@code to} reports
     * it RUNNING, so a test can act while the role is moving.
     *
     * @return the epoch of the move
     */
    long beginMove(String roleId, SampleUpstream to);

    /** {@code to} reports {@code roleId} RUNNING at the epoch of the move begun last. */
    void completeMove(String roleId, SampleUpstream to);
}
