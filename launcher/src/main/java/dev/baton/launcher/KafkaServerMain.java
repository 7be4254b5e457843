package dev.baton.launcher;

import dev.baton.testkit.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The local run's Kafka broker as a process of its own: a real single-node KRaft broker (testkit's
 * {@link EmbeddedKafkaBroker}) whose log directory is kept across runs. Arguments: data directory, broker port,
 * controller port. Stops cleanly on SIGTERM.
 */
public final class KafkaServerMain {
    private KafkaServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: KafkaServerMain <data-dir> <broker-port> <controller-port>");
            System.exit(2);
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[0]), Integer.parseInt(args[1]),
                Integer.parseInt(args[2]), false);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-shutdown"));
        System.out.println(LocalRun.READY_MARKER + " kafka " + broker.bootstrapServers());
        new CountDownLatch(1).await();
    }
}
