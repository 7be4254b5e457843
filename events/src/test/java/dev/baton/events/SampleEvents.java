package dev.baton.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One realistic sample of every event type, with every optional field set ({@link #full}) and with every
 * optional field absent ({@link #minimal}), plus {@link #variants} for optional fields that exclude each other.
 *
 * <p>The switches over {@link EventType} have no default branch: a new event type does not compile until it
 * has samples here. The values are fixed so the encoded JSON is stable; docs/events.md shows the
 * {@link #full} samples.
 */
final class SampleEvents {
    static final Instant DETECTED_AT = Instant.parse("2025-03-14T09:26:53.412Z");
    static final Instant DECIDED_AT = Instant.parse("2025-03-14T09:26:53.587Z");
    static final Instant OCCURRED_AT = Instant.parse("2025-03-14T09:26:53.589Z");
    static final Instant LAST_HEARTBEAT_AT = Instant.parse("2025-03-14T09:26:52.512Z");

    private SampleEvents() {
    }

    /** A sample of {@code type} with every optional field (and every optional nested field) set. */
    static BatonEvent full(EventType type) {
        return switch (type) {
            case HEARTBEAT -> new Heartbeat(
                    id(type, 1), OCCURRED_AT, "srv-02", "7f3c9a1e", 4182, "srv-02.baton.internal", ServerKind.EXPANSION,
                    List.of(
                            new HostedRole("billing", 7, RoleState.RUNNING, new Endpoint("srv-02.baton.internal", 47001)),
                            new HostedRole("reports", 2, RoleState.STARTING, null)),
                    List.of(new DatabaseReach("billing", true), new DatabaseReach("reports", false)), true);
            case ROLE_MOVED -> new RoleMoved(
                    id(type, 1), OCCURRED_AT, "billing", 7, "srv-01", "srv-02", MoveReason.FAILOVER,
                    "srv-01 DOWN: no heartbeat for 900 ms (timeout 800 ms)", DETECTED_AT, DECIDED_AT);
            case ROLE_STATE_CHANGED -> new RoleStateChanged(
                    id(type, 1), OCCURRED_AT, "billing", "srv-02", 7, RoleState.RUNNING,
                    new Endpoint("srv-02.baton.internal", 47001), "listening after 1840 ms");
            case ROLE_UNPLACED -> new RoleUnplaced(
                    id(type, 1), OCCURRED_AT, "billing", 7, "srv-02",
                    "no eligible server: srv-01 DOWN, srv-02 in maintenance", DETECTED_AT);
            case ROLE_ASSIGNMENT -> new RoleAssignment(
                    id(type, 1), OCCURRED_AT, "billing", 7, "srv-02", new Endpoint("srv-02.baton.internal", 47001),
                    MoveReason.MAINTENANCE, "srv-01");
            case SERVER_JOINED -> new ServerJoined(
                    id(type, 1), OCCURRED_AT, "srv-03", "c41d07b2", "srv-03.baton.internal", ServerKind.EXPANSION);
            case SERVER_DOWN -> new ServerDown(
                    id(type, 1), OCCURRED_AT, "srv-01", "5be0e6d4", LAST_HEARTBEAT_AT,
                    "no heartbeat for 900 ms (timeout 800 ms)");
            case SERVER_UP -> new ServerUp(id(type, 1), OCCURRED_AT, "srv-01", "9a21f3c8", "srv-01.baton.internal");
            case MAINTENANCE_STARTED -> new MaintenanceStarted(id(type, 1), OCCURRED_AT, "srv-02", "alice");
            case MAINTENANCE_ENDED -> new MaintenanceEnded(id(type, 1), OCCURRED_AT, "srv-02", "alice");
            case ROLE_CONFIGURED -> new RoleConfigured(
                    id(type, 1), OCCURRED_AT, "billing", 3, List.of("srv-01", "srv-02", "srv-03"), true, 60_000,
                    new DatabaseRef("DBHOST\\SQLEXPRESS", "dbhost.baton.internal", 1433),
                    new PluginSpec(
                            "command",
                            List.of("/opt/billing/bin/billing-plugin", "--port", "{port}", "--role", "{roleId}"),
                            Map.of("BILLING_LOG_LEVEL", "info"),
                            47001),
                    "alice", 7001, new InFlightConfig("replay", 65536), new FailbackWindow(22, 6));
            case PROXY_RECONNECTED -> new ProxyReconnected(id(type, 1), OCCURRED_AT, "billing", "gw-1", 7, 12, 840,
                    2048,
                    7, 3, 2, 96L, 2, 35L);
            case PROXY_RECONNECT_FAILED -> new ProxyReconnectFailed(
                    id(type, 1), OCCURRED_AT, "billing", "gw-1", 7, 3,
                    "srv-02.baton.internal:47001 refused connections for 30000 ms");
            case DEAD_LETTER -> new DeadLetter(
                    id(type, 1), OCCURRED_AT, "baton.role-events", 2, 1187, "billing",
                    "RoleMoved: missing required field 'epoch'",
                    "{\"type\":\"RoleMoved\",\"schemaVersion\":1,\"roleId\":\"billing\"}", null, "placement-1");
            case PLACEMENT_HEARTBEAT -> new PlacementHeartbeat(
                    id(type, 1), OCCURRED_AT, "placement-1", "3c9e1f07", 5120, 4, true, "http://placement-1:8081");
            case SAFETY_BRAKE_ENGAGED -> new SafetyBrakeEngaged(
                    id(type, 1), OCCURRED_AT, "placement-1", DETECTED_AT, List.of("srv-01", "srv-02", "srv-03"), 4,
                    "3 of 4 servers fell silent at once (srv-01, srv-02, srv-03): suspecting the broker or the"
                            + " placement itself");
            case SAFETY_BRAKE_RELEASED -> new SafetyBrakeReleased(
                    id(type, 1), OCCURRED_AT, "placement-1", "alice",
                    "released by alice: the silent servers are declared DOWN");
            case ROLE_DRAINING -> new RoleDraining(
                    id(type, 1), OCCURRED_AT, "billing", 7, "srv-01", "srv-02", MoveReason.MAINTENANCE,
                    "srv-01 in maintenance (alice)");
            case PROXY_DRAINED -> new ProxyDrained(id(type, 1), OCCURRED_AT, "billing", "gw-1", 7, 12, 3, 0, 42);
            case GATEWAY_HEARTBEAT -> new GatewayHeartbeat(id(type, 1), OCCURRED_AT, "gw-1", "5d1e8c20", 311, 5000);
        };
    }

    /** A sample of {@code type} with every optional field absent. */
    static BatonEvent minimal(EventType type) {
        return switch (type) {
            case HEARTBEAT -> new Heartbeat(
                    id(type, 2), OCCURRED_AT, "srv-02", "7f3c9a1e", 0, "srv-02.baton.internal", ServerKind.MAIN,
                    List.of(new HostedRole("billing", 7, RoleState.STARTING, null)), null);
            case ROLE_MOVED -> new RoleMoved(
                    id(type, 2), OCCURRED_AT, "billing", 1, null, "srv-01", MoveReason.INITIAL,
                    "first placement", null, DECIDED_AT);
            case ROLE_STATE_CHANGED -> new RoleStateChanged(
                    id(type, 2), OCCURRED_AT, "billing", "srv-02", 7, RoleState.STARTING, null, null);
            case ROLE_UNPLACED -> new RoleUnplaced(
                    id(type, 2), OCCURRED_AT, "billing", 0, null, "no eligible server", null);
            case ROLE_ASSIGNMENT -> new RoleAssignment(
                    id(type, 2), OCCURRED_AT, "billing", 0, null, null, MoveReason.INITIAL);
            case ROLE_CONFIGURED -> new RoleConfigured(
                    id(type, 2), OCCURRED_AT, "billing", 0, List.of("srv-01"), false, 0, null, null, "alice");
            case DEAD_LETTER -> new DeadLetter(
                    id(type, 2), OCCURRED_AT, "baton.heartbeats", 0, 0, null, "empty record value", null, null,
                    "audit-1");
            case PLACEMENT_HEARTBEAT -> new PlacementHeartbeat(
                    id(type, 2), OCCURRED_AT, "placement-2", "77b0d2e4", 0, 0, null, null);
            case PROXY_RECONNECTED -> new ProxyReconnected(id(type, 2), OCCURRED_AT, "billing", "gw-1", 7, 12, 840,
                    2048);
            case SAFETY_BRAKE_RELEASED -> new SafetyBrakeReleased(
                    id(type, 2), OCCURRED_AT, "placement-1", null, "the silent servers are heard again");
            // These types have no optional fields.
            case SERVER_JOINED, SERVER_DOWN, SERVER_UP, MAINTENANCE_STARTED, MAINTENANCE_ENDED,
                    PROXY_RECONNECT_FAILED, SAFETY_BRAKE_ENGAGED, ROLE_DRAINING, PROXY_DRAINED, GATEWAY_HEARTBEAT ->
                    full(type);
        };
    }

    /** Further samples, for optional fields that {@link #full} cannot set together. */
    static List<BatonEvent> variants(EventType type) {
        return switch (type) {
            case DEAD_LETTER -> List.of(new DeadLetter(
                    id(type, 3), OCCURRED_AT, "baton.heartbeats", 5, 42, null,
                    "malformed JSON: Invalid UTF-8 start byte 0xff", null, "/wD+", "audit-1"));
            case ROLE_CONFIGURED -> List.of(new RoleConfigured(
                    id(type, 3), OCCURRED_AT, "billing", 1, List.of(), false, 0, null,
                    new PluginSpec("sample", null, null, null), "alice"), new RoleConfigured(
                    id(type, 4), OCCURRED_AT, "billing", 2, List.of("srv-01"), true, 0, null, null, "alice", null,
                    new InFlightConfig("close", null), new FailbackWindow(1, 5)));
            case HEARTBEAT, ROLE_MOVED, ROLE_STATE_CHANGED, ROLE_UNPLACED, ROLE_ASSIGNMENT, SERVER_JOINED, SERVER_DOWN,
                    SERVER_UP, MAINTENANCE_STARTED, MAINTENANCE_ENDED, PROXY_RECONNECTED, PROXY_RECONNECT_FAILED,
                    PLACEMENT_HEARTBEAT, SAFETY_BRAKE_ENGAGED, SAFETY_BRAKE_RELEASED, ROLE_DRAINING, PROXY_DRAINED,
                    GATEWAY_HEARTBEAT ->
                    List.of();
        };
    }

    /** Every sample of {@code type}: full, minimal, then the variants. */
    static List<BatonEvent> all(EventType type) {
        var all = new java.util.ArrayList<BatonEvent>();
        all.add(full(type));
        all.add(minimal(type));
        all.addAll(variants(type));
        return List.copyOf(all);
    }

    /** A stable event id: the type's ordinal and a sample number. */
    private static UUID id(EventType type, int sample) {
        return new UUID(0x0195_93a1_7c00_7000L + type.ordinal(), 0x8000_0000_0000_0000L + sample);
    }
}
