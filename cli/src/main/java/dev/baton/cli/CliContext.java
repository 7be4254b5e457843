package dev.baton.cli;

import dev.baton.cli.http.ApiClient;
import dev.baton.cli.kafka.EventSourceFactory;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the commands get from outside: the API transport, the Kafka source, the environment (for the
 * {@code BATON_*} defaults of the global options), the clock, and how to run something on Ctrl-C. {@link BatonCli}
 * builds the real one; tests build one with fakes.
 *
 * @param onInterrupt registers an action to run when the user presses Ctrl-C (tests register nothing)
 */
public record CliContext(ApiClient api, EventSourceFactory events, Map<String, String> env, Clock clock,
        Consumer<Runnable> onInterrupt) {
    public CliContext {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(events, "events");
        env = Map.copyOf(env);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(onInterrupt, "onInterrupt");
    }
}
