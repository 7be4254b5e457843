package dev.baton.faults;

import dev.baton.testkit.EmbeddedKafkaBroker;
import dev.baton.testkit.EmbeddedKafkaBroker.AdvertisedListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The run's Kafka broker as a process of its own (so it can be killed, paused and restarted): testkit's real KRaft
 * broker on a data directory kept across restarts, with one extra listener per group of clients, each advertised at
 * the port of the run's proxy for that group. Arguments: data directory, broker port, controller port, then
 * {@code NAME:listenerPort:advertisedPort} per extra listener.
 */
public final class FaultBrokerMain {
    /** Printed once the broker serves. */
    public static final String READY = "fault-broker ready";

    private FaultBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 3) {
            System.err.println("usage: FaultBrokerMain <data-dir> <broker-port> <controller-port> [NAME:port:advertised]...");
            System.exit(2);
        }
        List<AdvertisedListener> extra = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String[] parts = args[i].split(":");
            extra.add(new AdvertisedListener(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2])));
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[0]), Integer.parseInt(args[1]),
                Integer.parseInt(args[2]), false, extra);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-shutdown"));
        System.out.println(READY + " " + broker.bootstrapServers());
        new CountDownLatch(1).await();
    }
}
