package dev.baton.events;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Wire name, record class, topic and current schema version of every event. */
public enum EventType {
    HEARTBEAT("Heartbeat", Heartbeat.class, Topic.HEARTBEATS),
    ROLE_MOVED("RoleMoved", RoleMoved.class, Topic.ROLE_EVENTS),
    ROLE_STATE_CHANGED("RoleStateChanged", RoleStateChanged.class, Topic.ROLE_EVENTS),
    ROLE_UNPLACED("RoleUnplaced", RoleUnplaced.class, Topic.ROLE_EVENTS),
    ROLE_ASSIGNMENT("RoleAssignment", RoleAssignment.class, Topic.ROLE_ASSIGNMENTS),
    SERVER_JOINED("ServerJoined", ServerJoined.class, Topic.SERVER_EVENTS),
    SERVER_DOWN("ServerDown", ServerDown.class, Topic.SERVER_EVENTS),
    SERVER_UP("ServerUp", ServerUp.class, Topic.SERVER_EVENTS),
    MAINTENANCE_STARTED("MaintenanceStarted", MaintenanceStarted.class, Topic.SERVER_EVENTS),
    MAINTENANCE_ENDED("MaintenanceEnded", MaintenanceEnded.class, Topic.SERVER_EVENTS),
    ROLE_CONFIGURED("RoleConfigured", RoleConfigured.class, Topic.CONFIG_EVENTS),
    PROXY_RECONNECTED("ProxyReconnected", ProxyReconnected.class, Topic.PROXY_EVENTS),
    PROXY_RECONNECT_FAILED("ProxyReconnectFailed", ProxyReconnectFailed.class, Topic.PROXY_EVENTS),
    DEAD_LETTER("DeadLetter", DeadLetter.class, Topic.DEAD_LETTERS),
    PLACEMENT_HEARTBEAT("PlacementHeartbeat", PlacementHeartbeat.class, Topic.PLACEMENT_CONTROL),
    SAFETY_BRAKE_ENGAGED("SafetyBrakeEngaged", SafetyBrakeEngaged.class, Topic.SERVER_EVENTS),
    SAFETY_BRAKE_RELEASED("SafetyBrakeReleased", SafetyBrakeReleased.class, Topic.SERVER_EVENTS),
    ROLE_DRAINING("RoleDraining", RoleDraining.class, Topic.ROLE_EVENTS),
    PROXY_DRAINED("ProxyDrained", ProxyDrained.class, Topic.PROXY_EVENTS),
    GATEWAY_HEARTBEAT("GatewayHeartbeat", GatewayHeartbeat.class, Topic.HEARTBEATS);

    /** The schema version writers emit; readers accept exactly the versions they know. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    private static final Map<String, EventType> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));
    private static final Map<Class<?>, EventType> BY_CLASS =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::eventClass, Function.identity()));

    private final String wireName;
    private final Class<? extends BatonEvent> eventClass;
    private final Topic topic;

    EventType(String wireName, Class<? extends BatonEvent> eventClass, Topic topic) {
        this.wireName = wireName;
        this.eventClass = eventClass;
        this.topic = topic;
    }

    /** The value of the {@code type} field on the wire. */
    public String wireName() {
        return wireName;
    }

    public Class<? extends BatonEvent> eventClass() {
        return eventClass;
    }

    public Topic topic() {
        return topic;
    }

    /** Schema versions this build can read for this type. */
    public boolean supports(int schemaVersion) {
        return schemaVersion == CURRENT_SCHEMA_VERSION;
    }

    /** The type with this wire name, or null. */
    public static EventType fromWireName(String wireName) {
        return BY_WIRE_NAME.get(wireName);
    }

    public static EventType of(Class<?> eventClass) {
        EventType type = BY_CLASS.get(eventClass);
        if (type == null) {
            throw new IllegalArgumentException("not an event class: " + eventClass.getName());
        }
        return type;
    }
}
