package dev.baton.placement.loop;

import dev.baton.events.EventCodec;
import dev.baton.placement.PlacementSettings;
import dev.baton.placement.detector.FailureDetector;
import dev.baton.placement.election.LeaderElection;
import dev.baton.placement.policy.PlacementPolicy;
import dev.baton.placement.store.RoleStore;
import dev.baton.runtime.kafka.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a placement loop with its Kafka adapters and runs it on its own thread; stopping closes the Kafka
 * clients after the loop's last round.
 */
public final class PlacementLoops implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementLoops.class);

    private final PlacementLoop loop;
    private final Thread thread;
    private final KafkaInputs inputs;
    private final KafkaEventPublisher events;
    private final KafkaProducer<String, byte[]> deadLetterProducer;
    private final ExecutorService publisher;
    private final ExecutorService storeReader;
    private final ScheduledExecutorService announcer = Executors.newSingleThreadScheduledExecutor(
            daemon("placement-announcer"));

    private PlacementLoops(PlacementLoop loop, KafkaInputs inputs, KafkaEventPublisher events,
            KafkaProducer<String, byte[]> deadLetterProducer, ExecutorService publisher, ExecutorService storeReader) {
        this.loop = loop;
        this.inputs = inputs;
        this.events = events;
        this.deadLetterProducer = deadLetterProducer;
        this.publisher = publisher;
        this.storeReader = storeReader;
        this.thread = new Thread(loop, "placement-loop");
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Connects the Kafka clients and starts the loop thread. */
    public static PlacementLoops start(PlacementSettings settings, RoleStore store, MeterRegistry registry, Clock clock) {
        EventCodec codec = new EventCodec();
        KafkaProducer<String, byte[]> deadLetterProducer = new KafkaProducer<>(settings.kafka().producer("dead-letters"));
        DeadLetters deadLetters = new DeadLetters(deadLetterProducer, settings.kafka(),
                PlacementSettings.SERVICE + "/" + settings.instanceId(), codec, clock);
        // A standby keeps a bad record long enough to publish its dead letter should it take over meanwhile.
        DeadLetterGate gate = new DeadLetterGate(deadLetters, clock, settings.leaderTimeout().multipliedBy(10));
        // Read back twice the failure timeout: enough to know at once which servers (and instances) are alive.
        KafkaInputs inputs = new KafkaInputs(settings.kafka(), codec, gate, clock,
                settings.detector().failureTimeout().multipliedBy(2), settings.detector().maxEvaluationGap());
        LoopMetrics metrics = new LoopMetrics(registry, clock);
        KafkaEventPublisher events = new KafkaEventPublisher(settings.kafka(), codec, metrics.publishFailures::increment);
        FailureDetector detector = new FailureDetector(settings.detector(), clock.instant());
        LeaderElection election = new LeaderElection(settings.instanceId(), settings.leaderTimeout(), clock.instant());
        // One thread each, so the loop's thread never waits for Kafka's acknowledgements or for the database.
        ExecutorService publisher = Executors.newSingleThreadExecutor(daemon("placement-publisher"));
        ExecutorService storeReader = Executors.newSingleThreadExecutor(daemon("placement-store-reader"));
        LeaderChannel channel = new LeaderChannel(
                () -> new KafkaLeaderPublisher(settings.kafka(), settings.instanceId(), codec, settings.publishTimeout()),
                publisher);
        RoleCatalog catalog = new RoleCatalog(store, storeReader, clock, Duration.ofSeconds(1));
        PlacementLoop loop = new PlacementLoop(settings.instanceId(), detector, new PlacementPolicy(settings.policy()),
                election, inputs, events, channel, catalog, new ServerRegistrar(store), clock,
                settings.publishTimeout(), settings.leaderTimeout().dividedBy(2), metrics);
        gate.publishWhile(loop::leading);
        PlacementLoops loops = new PlacementLoops(loop, inputs, events, deadLetterProducer, publisher, storeReader);
        loops.thread.start();
        Duration interval = settings.instanceHeartbeatInterval();
        Duration stallLimit = settings.leaderTimeout();
        loops.announcer.scheduleAtFixedRate(() -> {
            try {
                loop.announce(stallLimit);
            } catch (RuntimeException e) {
                LOG.warn("Could not send the instance heartbeat: {}", e.toString());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return loops;
    }

    /** The loop, as the admin API sees it. */
    public LoopControl control() {
        return loop.control();
    }

    @Override
    public void close() {
        announcer.shutdownNow();
        loop.stop();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Placement loop did not stop within 10 s");
        }
        // Queued work still runs: the leader's publisher is closed after its last round.
        publisher.shutdown();
        storeReader.shutdownNow();
        try {
            if (!publisher.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("The leader's publisher did not close within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inputs.close();
        events.close();
        deadLetterProducer.close(Duration.ofSeconds(2));
    }
}
