package dev.baton.gateway;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.events.Topic;
import dev.baton.gateway.kafka.KafkaProxyEventPublisher;
import dev.baton.gateway.kafka.KafkaRouteFeed;
import dev.baton.gateway.net.GatewayVerticle;
import dev.baton.gateway.routing.ListenerPlan;
import dev.baton.runtime.http.OpsEndpoints;
import dev.baton.runtime.kafka.TopicBootstrap;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy-gateway: the Vert.x verticle that owns routes and sockets, the Kafka feed that tells it where
 * roles run, and the publisher of its proxy events. {@link #start} returns once the role ports and the admin port
 * are bound; readiness waits for the assignments to be read too.
 */
public final class ProxyGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyGateway.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final GatewayVerticle verticle;
    private final KafkaRouteFeed feed;
    private final KafkaProxyEventPublisher publisher;
    private final GatewayMetrics metrics;
    private final PrometheusMeterRegistry registry;

    private ProxyGateway(Vertx vertx, GatewayVerticle verticle, KafkaRouteFeed feed, KafkaProxyEventPublisher publisher,
            GatewayMetrics metrics, PrometheusMeterRegistry registry) {
        this.vertx = vertx;
        this.verticle = verticle;
        this.feed = feed;
        this.publisher = publisher;
        this.metrics = metrics;
        this.registry = registry;
    }

    /** Creates missing topics, binds the ports and starts following the role topics. Blocks up to 30 s. */
    public static ProxyGateway start(GatewaySettings settings) throws Exception {
        TopicBootstrap.ensure(settings.kafka(), List.of(Topic.ROLE_ASSIGNMENTS, Topic.ROLE_EVENTS, Topic.CONFIG_EVENTS,
                Topic.PROXY_EVENTS, Topic.HEARTBEATS),
                START_TIMEOUT);
        PrometheusMeterRegistry registry = OpsEndpoints.newRegistry(GatewaySettings.SERVICE);
        GatewayMetrics metrics = new GatewayMetrics(registry);
        EventCodec codec = new EventCodec();
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(settings.nativeTransport()));
        if (settings.nativeTransport() && !vertx.isNativeTransportEnabled()) {
            LOG.warn("Native transport unavailable, using NIO: {}",
                    String.valueOf(vertx.unavailableNativeTransportCause()));
        } else {
            LOG.info("Network transport: {}", vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO");
        }
        KafkaProxyEventPublisher publisher = null;
        KafkaRouteFeed feed = null;
        try {
            publisher = new KafkaProxyEventPublisher(settings.kafka(), codec);
            GatewayVerticle verticle = new GatewayVerticle(settings, registry, metrics, publisher, Clock.systemUTC());
            vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture()
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            feed = new KafkaRouteFeed(settings.kafka(), codec, metrics, new KafkaRouteFeed.Listener() {
                @Override
                public void events(List<BatonEvent> events) {
                    verticle.dispatch(events);
                }

                @Override
                public void assignmentsRead() {
                    verticle.dispatchAssignmentsRead();
                }

                @Override
                public void gatewayPorts(List<ListenerPlan.RolePort> ports) {
                    verticle.dispatchGatewayPorts(ports);
                }

                @Override
                public void configRead() {
                    verticle.dispatchConfigRead();
                }
            });
            feed.start();
            return new ProxyGateway(vertx, verticle, feed, publisher, metrics, registry);
        } catch (Exception | Error e) {
            if (feed != null) {
                feed.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            if (publisher != null) {
                publisher.close();
            }
            throw e;
        }
    }

    /** The port {@code roleId}'s clients connect to. */
    public int port(String roleId) {
        Integer port = verticle.port(roleId);
        if (port == null) {
            throw new IllegalArgumentException("no route for role " + roleId);
        }
        return port;
    }

    /** The port of the admin API, health and metrics. */
    public int httpPort() {
        return verticle.httpPort();
    }

    /** Listening, and the assignments and the roles' configuration read to their end once. */
    public boolean ready() {
        return verticle.readiness().ready();
    }

    /** The meters of {@code roleId}: buffered bytes, open and switching connections, stale events. */
    public GatewayMetrics.RoleMeters meters(String roleId) {
        return metrics.role(roleId);
    }

    /** The Prometheus registry the admin server scrapes. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Stops reading routes, closes every connection and port, then flushes the pending proxy events. */
    @Override
    public void close() {
        feed.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Vert.x did not stop cleanly: {}", e.toString());
        }
        publisher.close();
    }
}
