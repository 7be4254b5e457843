package dev.baton.cli.kafka;

import dev.baton.events.Topic;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which topics {@code events tail} follows. By default every Baton topic except the two heartbeat topics
 * ({@code heartbeats} and {@code placement-control}, several records a second that say only "still alive"). One
 * topic is named by its suffix ({@code role-events}) or its full name ({@code baton.role-events}); {@code all} adds
 * the heartbeat topics to the default.
 */
public final class TopicSelection {
    /** The topics followed when none is named. */
    public static final List<Topic> DEFAULT = Arrays.stream(Topic.values())
            .filter(topic -> topic != Topic.HEARTBEATS && topic != Topic.PLACEMENT_CONTROL)
            .toList();

    private TopicSelection() {
    }

    /**
     * The full topic names for {@code argument} (null for the default) in {@code namespace}.
     *
     * @throws IllegalArgumentException naming the known topics when {@code argument} is none of them
     */
    public static List<String> resolve(String argument, String namespace) {
        if (argument == null || argument.isBlank()) {
            return DEFAULT.stream().map(topic -> topic.in(namespace)).toList();
        }
        if (argument.equals("all")) {
            return Arrays.stream(Topic.values()).map(topic -> topic.in(namespace)).toList();
        }
        for (Topic topic : Topic.values()) {
            if (argument.equals(topic.suffix()) || argument.equals(topic.in(namespace))) {
                return List.of(topic.in(namespace));
            }
        }
        throw new IllegalArgumentException("unknown topic '" + argument + "'; known topics: all, "
                + Arrays.stream(Topic.values()).map(Topic::suffix).collect(Collectors.joining(", "))
                + " (or their full names, e.g. " + Topic.ROLE_EVENTS.in(namespace) + ")");
    }

    /** {@code role-events} for {@code baton.role-events} in namespace {@code baton}; the name itself otherwise. */
    public static String shortName(String topic, String namespace) {
        String prefix = namespace + ".";
        return topic.startsWith(prefix) ? topic.substring(prefix.length()) : topic;
    }
}
