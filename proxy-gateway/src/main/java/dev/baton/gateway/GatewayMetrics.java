package dev.baton.gateway;

import dev.baton.gateway.connection.SwitchCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's Prometheus meters ({@code baton_gateway_*}), tagged by role. The data path updates plain atomics
 * resolved once per role, never looking meters up per chunk; gauges read the same atomics, so a scrape or a test
 * may read them from any thread.
 */
public final class GatewayMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, RoleMeters> roles = new ConcurrentHashMap<>();
    private final Counter recordsSkipped;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.recordsSkipped = Counter.builder("baton.gateway.records.skipped")
                .description("Kafka records the gateway could not decode or did not expect, skipped with a warning")
                .register(registry);
    }

    public void recordSkipped() {
        recordsSkipped.increment();
    }

    /** The meters of {@code roleId}, created on first use. */
    public RoleMeters role(String roleId) {
        return roles.computeIfAbsent(roleId, id -> new RoleMeters(registry, id));
    }

    /** The meters of one role. */
    public static final class RoleMeters {
        private final AtomicInteger openConnections = new AtomicInteger();
        private final AtomicInteger switchingConnections = new AtomicInteger();
        private final AtomicInteger pausedClients = new AtomicInteger();
        private final AtomicLong bufferedBytes = new AtomicLong();
        private final AtomicLong staleEvents = new AtomicLong();
        private final Counter bytesToUpstream;
        private final Counter bytesToClient;
        private final Counter switchesMove;
        private final Counter switchesLost;
        private final Counter reconnectFailures;
        private final Counter connectFailures;
        private final Counter lostIdle;
        private final Counter lostReplayed;
        private final Counter lostRepointedAwaiting;
        private final Counter lostClosedAwaiting;
        private final Counter drained;
        private final Counter bytesReplayed;
        private final Timer switchDuration;
        private final Timer drainDuration;
        private final Timer roleDrains;

        RoleMeters(MeterRegistry registry, String roleId) {
            Gauge.builder("baton.gateway.connections.open", openConnections, AtomicInteger::get)
                    .description("Client connections open through the gateway").tag("role", roleId).register(registry);
            Gauge.builder("baton.gateway.connections.switching", switchingConnections, AtomicInteger::get)
                    .description("Client connections waiting for an upstream, or draining from the old host of a"
                            + " planned move").tag("role", roleId).register(registry);
            Gauge.builder("baton.gateway.clients.paused", pausedClients, AtomicInteger::get)
                    .description("Client connections the gateway stopped reading: their upstream's write queue or"
                            + " their switch buffer is full")
                    .tag("role", roleId).register(registry);
            Gauge.builder("baton.gateway.buffered", bufferedBytes, AtomicLong::get)
                    .description("Bytes the gateway holds for the role's connections: held during switches plus"
                            + " written to a socket and not yet flushed")
                    .baseUnit("bytes").tag("role", roleId).register(registry);
            Gauge.builder("baton.gateway.events.stale", staleEvents, AtomicLong::get)
                    .description("Routing events ignored because their epoch was below the newest seen")
                    .tag("role", roleId).register(registry);
            bytesToUpstream = Counter.builder("baton.gateway.forwarded").baseUnit("bytes")
                    .description("Bytes forwarded").tags("role", roleId, "direction", "upstream").register(registry);
            bytesToClient = Counter.builder("baton.gateway.forwarded").baseUnit("bytes")
                    .description("Bytes forwarded").tags("role", roleId, "direction", "client").register(registry);
            switchesMove = switches(registry, roleId, SwitchCause.MOVE);
            switchesLost = switches(registry, roleId, SwitchCause.UPSTREAM_LOST);
            reconnectFailures = Counter.builder("baton.gateway.reconnect.failures")
                    .description("Client connections closed because their switch did not complete in time")
                    .tag("role", roleId).register(registry);
            connectFailures = Counter.builder("baton.gateway.connect.failures")
                    .description("New client connections closed because no upstream was reachable in time")
                    .tag("role", roleId).register(registry);
            lostIdle = upstreamLosses(registry, roleId, "idle");
            lostReplayed = upstreamLosses(registry, roleId, "replayed");
            lostRepointedAwaiting = upstreamLosses(registry, roleId, "repointed_awaiting");
            lostClosedAwaiting = upstreamLosses(registry, roleId, "closed_awaiting");
            drained = upstreamLosses(registry, roleId, "drained");
            bytesReplayed = Counter.builder("baton.gateway.replayed").baseUnit("bytes")
                    .description("Unanswered client bytes resent to a new upstream (in-flight policy replay)")
                    .tag("role", roleId).register(registry);
            drainDuration = durations(registry, roleId, "baton.gateway.drain.duration", "How long a connection"
                    + " drained from the old host of a planned move before it was re-pointed");
            roleDrains = durations(registry, roleId, "baton.gateway.role.drain.duration", "How long the gateway took"
                    + " to take every connection of a role off its old host after the placement asked (RoleDraining to"
                    + " ProxyDrained)");
            switchDuration = durations(registry, roleId, "baton.gateway.switch.duration", "How long a client"
                    + " connection was without an upstream before it was re-pointed");
        }

        /** A per-role timer of durations from 1 ms to a minute, with a histogram for percentiles. */
        private static Timer durations(MeterRegistry registry, String roleId, String name, String description) {
            return Timer.builder(name).description(description)
                    .tag("role", roleId).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry);
        }

        private static Counter switches(MeterRegistry registry, String roleId, SwitchCause cause) {
            return Counter.builder("baton.gateway.switches")
                    .description("Client connections re-pointed to a new upstream")
                    .tags("role", roleId, "cause", cause.name().toLowerCase(Locale.ROOT)).register(registry);
        }

        private static Counter upstreamLosses(MeterRegistry registry, String roleId, String outcome) {
            return Counter.builder("baton.gateway.upstream.losses")
                    .description("Client connections that lost their upstream, by outcome: re-pointed idle, drained"
                            + " from the old host of a planned move then re-pointed, re-pointed with their unanswered"
                            + " bytes resent, re-pointed awaiting (policy repoint), or closed because they awaited an"
                            + " answer")
                    .tags("role", roleId, "outcome", outcome).register(registry);
        }

        /**
         * A connection was re-pointed; {@code unansweredBytes} were unanswered at the loss, resent when replayed;
         * it drained from the old host first when {@code drainMillis} is not negative.
         */
        public void repointed(long unansweredBytes, boolean replayed, long drainMillis) {
            if (drainMillis >= 0) {
                drainDuration.record(drainMillis, TimeUnit.MILLISECONDS);
            }
            if (drainMillis >= 0 && unansweredBytes == 0) {
                drained.increment();
            } else if (unansweredBytes == 0) {
                lostIdle.increment();
            } else if (replayed) {
                lostReplayed.increment();
                bytesReplayed.increment(unansweredBytes);
            } else {
                lostRepointedAwaiting.increment();
            }
        }

        /** Every connection of the role left its old host, {@code millis} after the placement asked. */
        public void drained(long millis) {
            roleDrains.record(millis, TimeUnit.MILLISECONDS);
        }

        /** A connection was closed because it awaited an answer from the upstream it lost. */
        public void closedAwaiting() {
            lostClosedAwaiting.increment();
        }

        public void connectionOpened() {
            openConnections.incrementAndGet();
        }

        public void connectionClosed() {
            openConnections.decrementAndGet();
        }

        public void switchStarted() {
            switchingConnections.incrementAndGet();
        }

        public void switchEnded() {
            switchingConnections.decrementAndGet();
        }

        public void clientPaused(boolean paused) {
            if (paused) {
                pausedClients.incrementAndGet();
            } else {
                pausedClients.decrementAndGet();
            }
        }

        public int pausedClients() {
            return pausedClients.get();
        }

        public void buffered(long delta) {
            bufferedBytes.addAndGet(delta);
        }

        public void staleEvent() {
            staleEvents.incrementAndGet();
        }

        public void forwardedToUpstream(int bytes) {
            bytesToUpstream.increment(bytes);
        }

        public void forwardedToClient(int bytes) {
            bytesToClient.increment(bytes);
        }

        public void switched(SwitchCause cause, long millis) {
            (cause == SwitchCause.MOVE ? switchesMove : switchesLost).increment();
            switchDuration.record(millis, TimeUnit.MILLISECONDS);
        }

        public void reconnectFailed() {
            reconnectFailures.increment();
        }

        public void connectFailed() {
            connectFailures.increment();
        }

        /** Bytes forwarded from clients to upstreams so far. */
        public long forwardedToUpstreamBytes() {
            return (long) bytesToUpstream.count();
        }

        public int openConnections() {
            return openConnections.get();
        }

        public int switchingConnections() {
            return switchingConnections.get();
        }

        public long bufferedBytes() {
            return bufferedBytes.get();
        }

        public long staleEvents() {
            return staleEvents.get();
        }
    }
}
