package dev.baton.events;

import java.time.Duration;

/**
 * Every Kafka topic of Baton, with the intent a deployment should create it with.
 *
 * <p>Topic names are {@code <namespace>.<suffix>}; the default namespace is {@value #DEFAULT_NAMESPACE}, so
 * {@link #HEARTBEATS} is {@code baton.heartbeats}. A different namespace lets several Baton installations (or
 * test classes) share one cluster without seeing each other's events.
 */
public enum Topic {
    /** Heartbeats from agents; short retention, they are only worth something while fresh. */
    HEARTBEATS("heartbeats", "serverId", 6, false, Duration.ofHours(1)),
    /** RoleMoved, RoleStateChanged, RoleUnplaced: the history of every role. */
    ROLE_EVENTS("role-events", "roleId", 6, false, Duration.ofDays(30)),
    /** The current assignment of every role; compacted so a consumer can bootstrap the present state. */
    ROLE_ASSIGNMENTS("role-assignments", "roleId", 6, true, null),
    /**
     * ServerJoined, ServerDown, ServerUp, MaintenanceStarted, MaintenanceEnded (keyed by server id);
     * SafetyBrakeEngaged, SafetyBrakeReleased (keyed by the placement instance).
     */
    SERVER_EVENTS("server-events", "serverId", 3, false, Duration.ofDays(30)),
    /** RoleConfigured: the full configuration after each change; compacted, the audit store keeps the history. */
    CONFIG_EVENTS("config-events", "roleId", 3, true, null),
    /** ProxyReconnected and ProxyReconnectFailed from the gateways. */
    PROXY_EVENTS("proxy-events", "roleId", 3, false, Duration.ofDays(30)),
    /** Records that could not be decoded or validated, with the reason. */
    DEAD_LETTERS("dead-letters", "original key", 1, false, Duration.ofDays(30)),
    /** PlacementHeartbeat: placement-service instances electing their leader; one partition, one order. */
    PLACEMENT_CONTROL("placement-control", "instanceId", 1, false, Duration.ofHours(1));

    public static final String DEFAULT_NAMESPACE = "baton";

    private final String suffix;
    private final String key;
    private final int partitions;
    private final boolean compacted;
    private final Duration retention;

    Topic(String suffix, String key, int partitions, boolean compacted, Duration retention) {
        this.suffix = suffix;
        this.key = key;
        this.partitions = partitions;
        this.compacted = compacted;
        this.retention = retention;
    }

    /** The topic's name in the default namespace, e.g. {@code baton.heartbeats}. */
    public String topicName() {
        return in(DEFAULT_NAMESPACE);
    }

    /** The topic's name in {@code namespace}, e.g. {@code test-42.heartbeats}. */
    public String in(String namespace) {
        Ids.requireValid("namespace", namespace);
        return namespace + "." + suffix;
    }

    public String suffix() {
        return suffix;
    }

    /** What the record key holds. */
    public String key() {
        return key;
    }

    public int partitions() {
        return partitions;
    }

    /** {@code cleanup.policy=compact} when true, {@code delete} with {@link #retention()} otherwise. */
    public boolean compacted() {
        return compacted;
    }

    /**
     * Whether record timestamps are the broker's append time. True for agent and placement heartbeats: silence is
     * judged on one clock, the broker's, not on the clocks of the senders.
     */
    public boolean logAppendTime() {
        return this == HEARTBEATS || this == PLACEMENT_CONTROL;
    }

    /** Retention of a delete-policy topic; null for a compacted topic. */
    public Duration retention() {
        return retention;
    }
}
