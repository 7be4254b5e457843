package dev.baton.cli.kafka;

import java.time.Duration;
import java.util.List;

/** Opens an {@link EventSource}; tests hand the commands one that needs no broker. */
@FunctionalInterface
public interface EventSourceFactory {
    /**
     * Follows {@code topics} from their end, or from their beginning.
     *
     * @param brokerWait how long to wait for the broker to answer before giving up
     * @throws dev.baton.cli.CliException when the broker cannot be reached or none of the topics exists
     */
    EventSource open(String bootstrapServers, List<String> topics, boolean fromBeginning, Duration brokerWait);
}
