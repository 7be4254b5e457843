package dev.baton.placement.detector;

import dev.baton.events.ServerDown;
import dev.baton.events.ServerEvent;
import dev.baton.events.ServerJoined;
import dev.baton.events.ServerKind;
import dev.baton.events.ServerUp;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A change of a server's liveness found by the {@link FailureDetector}. Each maps one to one onto a server event
 * through {@link #toEvent(UUID)}.
 */
public sealed interface ServerTransition permits ServerTransition.Joined, ServerTransition.Up, ServerTransition.Down {

    String serverId();

    /** When the transition happened: the heartbeat's record timestamp, or the detection time for a DOWN. */
    Instant at();

    /** The event to publish on the server-events topic, with {@code occurredAt = at()}. */
    ServerEvent toEvent(UUID eventId);

    /**
     * The first heartbeat of an incarnation: a server seen for the first time, or an agent that restarted (even
     * while it was DOWN). The server is UP; everything the previous incarnation reported is void.
     *
     * @param previousIncarnation the incarnation this one replaced; null for a server seen for the first time
     */
    record Joined(String serverId, String incarnation, String previousIncarnation, String host, ServerKind kind,
            Instant at) implements ServerTransition {
        public Joined {
            Objects.requireNonNull(serverId, "serverId");
            Objects.requireNonNull(incarnation, "incarnation");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public ServerJoined toEvent(UUID eventId) {
            return new ServerJoined(eventId, at, serverId, incarnation, host, kind);
        }
    }

    /**
     * A server that was DOWN heartbeats again with the same incarnation (a network partition healed, a frozen
     * agent resumed).
     *
     * @param downSince when it had been declared DOWN
     */
    record Up(String serverId, String incarnation, String host, Instant at, Instant downSince)
            implements ServerTransition {
        public Up {
            Objects.requireNonNull(serverId, "serverId");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public ServerUp toEvent(UUID eventId) {
            return new ServerUp(eventId, at, serverId, incarnation, host);
        }
    }

    /**
     * A server declared DOWN: no heartbeat read for the failure timeout, judged on the heartbeat stream's clock.
     *
     * @param lastHeartbeatAt send time of its last accepted heartbeat
     * @param lastRecordAt record timestamp of that heartbeat
     * @param detectedAt the evaluation's {@code now}
     * @param silence how long the stream had been read past {@code lastRecordAt} without a heartbeat from it
     * @param cause e.g. "no heartbeat for 812 ms (timeout 700 ms)"
     */
    record Down(String serverId, String incarnation, Instant lastHeartbeatAt, Instant lastRecordAt,
            Instant detectedAt, Duration silence, String cause) implements ServerTransition {
        public Down {
            Objects.requireNonNull(serverId, "serverId");
            Objects.requireNonNull(detectedAt, "detectedAt");
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public Instant at() {
            return detectedAt;
        }

        @Override
        public ServerDown toEvent(UUID eventId) {
            return new ServerDown(eventId, detectedAt, serverId, incarnation, lastHeartbeatAt, cause);
        }
    }
}
