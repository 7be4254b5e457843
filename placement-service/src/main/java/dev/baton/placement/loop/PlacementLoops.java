package dev.baton.placement.loop;

import dev.baton.events.EventCodec;
import dev.baton.placement.PlacementSettings;
import dev.baton.placement.detector.FailureDetector;
import dev.baton.placement.policy.PlacementPolicy;
import dev.baton.placement.store.RoleStore;
import dev.baton.runtime.kafka.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a placement loop with its Kafka adapters and runs it on its own thread. Blocking start-up (reading the
 * assignments topic) happens in {@link #start}; stopping closes the Kafka clients after the loop's last round.
 */
public final class PlacementLoops implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementLoops.class);

    private final PlacementLoop loop;
    private final Thread thread;
    private final KafkaHeartbeatReader heartbeats;
    private final KafkaDecisionPublisher publisher;
    private final KafkaProducer<String, byte[]> deadLetterProducer;

    private PlacementLoops(PlacementLoop loop, KafkaHeartbeatReader heartbeats, KafkaDecisionPublisher publisher,
            KafkaProducer<String, byte[]> deadLetterProducer) {
        this.loop = loop;
        this.heartbeats = heartbeats;
        this.publisher = publisher;
        this.deadLetterProducer = deadLetterProducer;
        this.thread = new Thread(loop, "placement-loop");
    }

    /** Reads the present assignments, then starts the loop thread. */
    public static PlacementLoops start(PlacementSettings settings, RoleStore store, MeterRegistry registry, Clock clock) {
        EventCodec codec = new EventCodec();
        Duration startTimeout = Duration.ofSeconds(30);
        KafkaAssignmentReader.Present present = KafkaAssignmentReader.read(settings.kafka(), codec, startTimeout);
        KafkaProducer<String, byte[]> deadLetterProducer = new KafkaProducer<>(settings.kafka().producer("dead-letters"));
        DeadLetters deadLetters = new DeadLetters(deadLetterProducer, settings.kafka(),
                PlacementSettings.SERVICE + "/" + settings.instanceId(), codec, clock);
        // Read back twice the failure timeout: enough to know at once which servers are alive after a restart.
        KafkaHeartbeatReader heartbeats = new KafkaHeartbeatReader(settings.kafka(), settings.instanceId(), codec,
                deadLetters, clock, settings.detector().failureTimeout().multipliedBy(2));
        KafkaDecisionPublisher publisher = new KafkaDecisionPublisher(settings.kafka(), codec, settings.publishTimeout());
        FailureDetector detector = new FailureDetector(settings.detector(), clock.instant());
        PlacementLoop loop = new PlacementLoop(settings.instanceId(), detector, new PlacementPolicy(settings.policy()),
                heartbeats, publisher, store, clock, present, new LoopMetrics(registry));
        PlacementLoops loops = new PlacementLoops(loop, heartbeats, publisher, deadLetterProducer);
        loops.thread.start();
        return loops;
    }

    /** The loop, as the admin API sees it. */
    public PlacementLoop control() {
        return loop;
    }

    @Override
    public void close() {
        loop.stop();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Placement loop did not stop within 10 s");
        }
        heartbeats.close();
        publisher.close();
        deadLetterProducer.close(Duration.ofSeconds(2));
    }
}
