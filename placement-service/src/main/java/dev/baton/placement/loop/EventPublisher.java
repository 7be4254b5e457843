package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import java.util.List;

/** Where the placement loop's decisions go. */
interface EventPublisher {
    /**
     * Publishes every event of a round and returns once all are durable.
     *
     * @throws PublishException when they could not all be published
     */
    void publish(List<? extends BatonEvent> events);

    /** A round's events could not all be published. */
    class PublishException extends RuntimeException {
        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
