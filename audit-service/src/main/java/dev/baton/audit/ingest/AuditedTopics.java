package dev.baton.audit.ingest;

import dev.baton.events.EventType;
import dev.baton.events.Topic;
import java.util.Arrays;
import java.util.List;

/**
 * What the audit store records: every event topic except heartbeats (frequent, worthless once stale) and the
 * compacted role assignments (a projection of the RoleMoved and RoleStateChanged events it already stores).
 */
public final class AuditedTopics {
    /** The topics the audit service consumes. */
    public static final List<Topic> TOPICS = List.of(
            Topic.ROLE_EVENTS, Topic.SERVER_EVENTS, Topic.CONFIG_EVENTS, Topic.PROXY_EVENTS, Topic.DEAD_LETTERS);

    /** Wire names of the event types that can be stored, sorted. */
    public static final List<String> TYPES = Arrays.stream(EventType.values())
            .filter(type -> TOPICS.contains(type.topic()))
            .map(EventType::wireName)
            .sorted()
            .toList();

    private AuditedTopics() {
    }
}
