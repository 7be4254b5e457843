package dev.baton.cli;

import dev.baton.cli.kafka.EventSource;
import dev.baton.cli.kafka.EventTail;
import dev.baton.cli.kafka.TopicSelection;
import dev.baton.events.EventCodec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code baton events ...}: Baton's Kafka topics, read directly. */
@Command(name = "events", description = "Follow Baton's events on Kafka.", subcommands = EventsCommand.Tail.class)
final class EventsCommand implements Callable<Integer> {
    @ParentCommand
    BatonCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: tail");
    }

    /** {@code baton events tail [topic]}. */
    @Command(name = "tail", description = {
        "Print one line per event as it arrives, from the end of the topics (or the beginning). Ctrl-C stops.",
        "Without TOPIC: every Baton topic except heartbeats and placement-control; 'all' adds those two."})
    static final class Tail implements Callable<Integer> {
        /** How long to wait for the broker before saying it cannot be reached (less with a shorter --timeout). */
        static final Duration BROKER_WAIT = Duration.ofSeconds(10);

        @ParentCommand
        EventsCommand events;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "TOPIC", description = "role-events, role-assignments, "
                + "server-events, config-events, proxy-events, dead-letters, heartbeats, placement-control or all.")
        String topic;

        @Option(names = "--from-beginning", description = "Start with the oldest retained records.")
        boolean fromBeginning;

        @Option(names = "--max", paramLabel = "N", description = "Stop after N events (exit 1 if --timeout ends "
                + "the wait first).")
        Integer max;

        @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Stop after this long, e.g. 10s.")
        Duration timeout;

        @Override
        public Integer call() {
            BatonCommand root = events.root;
            if (max != null && max < 1) {
                throw new ParameterException(spec.commandLine(), "--max must be at least 1, was " + max);
            }
            String namespace = root.topicNamespace();
            List<String> topics;
            try {
                topics = TopicSelection.resolve(topic, namespace);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            CliContext context = root.context();
            Duration brokerWait = timeout != null && timeout.compareTo(BROKER_WAIT) < 0 ? timeout : BROKER_WAIT;
            try (EventSource source = context.events().open(root.bootstrapServers(), topics, fromBeginning,
                    brokerWait)) {
                context.onInterrupt().accept(source::wakeup);
                new EventTail(source, new EventCodec(), root.out(), root.json(), namespace, context.clock())
                        .run(max, timeout);
            }
            return 0;
        }
    }
}
