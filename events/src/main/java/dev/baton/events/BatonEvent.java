package dev.baton.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Every event Baton publishes. The envelope fields {@code eventId} and {@code occurredAt} are record
 * components of each event; {@code type} and {@code schemaVersion} follow from the event's class
 * ({@link EventType}) and are written by {@link EventCodec}.
 */
public sealed interface BatonEvent
        permits Heartbeat, RoleEvent, RoleAssignment, ServerEvent, SafetyBrakeEvent, ConfigEvent, ProxyEvent,
                DeadLetter, PlacementHeartbeat, GatewayHeartbeat {

    /** Unique per event; consumers deduplicate by it. */
    UUID eventId();

    /** When the event happened, by the clock of the process that published it. */
    Instant occurredAt();

    /** The Kafka record key: the id of the entity the event is about. */
    String key();

    /** The wire name and version of this event. */
    default EventType type() {
        return EventType.of(getClass());
    }

    /** The topic this event is published to. */
    default Topic topic() {
        return type().topic();
    }
}
