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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
    private final ScheduledExecutorService announcer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "placement-announcer");
        thread.setDaemon(true);
        return thread;
    });

    private PlacementLoops(PlacementLoop loop, KafkaInputs inputs, KafkaEventPublisher events,
            KafkaProducer<String, byte[]> deadLetterProducer) {
        this.loop = loop;
        this.inputs = inputs;
        this.events = events;
        this.deadLetterProducer = deadLetterProducer;
        this.thread = new Thread(loop, "placement-loop");
    }

    /** Connects the Kafka clients and starts the loop thread. */
    public static PlacementLoops start(PlacementSettings settings, RoleStore store, MeterRegistry registry, Clock clock) {
        EventCodec codec = new EventCodec();
        KafkaProducer<String, byte[]> deadLetterProducer = new KafkaProducer<>(settings.kafka().producer("dead-letters"));
        DeadLetters deadLetters = new DeadLetters(deadLetterProducer, settings.kafka(),
                PlacementSettings.SERVICE + "/" + settings.instanceId(), codec, clock);
        // Read back twice the failure timeout: enough to know at once which servers (and instances) are alive.
        KafkaInputs inputs = new KafkaInputs(settings.kafka(), codec, deadLetters, clock,
                settings.detector().failureTimeout().multipliedBy(2), settings.detector().maxEvaluationGap());
        KafkaEventPublisher events = new KafkaEventPublisher(settings.kafka(), codec, settings.publishTimeout());
        FailureDetector detector = new FailureDetector(settings.detector(), clock.instant());
        LeaderElection election = new LeaderElection(settings.instanceId(), settings.leaderTimeout(), clock.instant());
        PlacementLoop loop = new PlacementLoop(settings.instanceId(), detector, new PlacementPolicy(settings.policy()),
                election, inputs, events,
                () -> new KafkaLeaderPublisher(settings.kafka(), settings.instanceId(), codec, settings.publishTimeout()),
                store, clock, settings.publishTimeout(), settings.leaderTimeout().dividedBy(2), new LoopMetrics(registry, clock));
        PlacementLoops loops = new PlacementLoops(loop, inputs, events, deadLetterProducer);
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
    public PlacementLoop control() {
        return loop;
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
        inputs.close();
        events.close();
        deadLetterProducer.close(Duration.ofSeconds(2));
    }
}
