package dev.baton.cli;

import dev.baton.cli.http.ApiClient;
import dev.baton.cli.kafka.EventSourceFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;

/**
 * Runs the {@code baton} command line in process with captured standard output and error.
 *
 * @param exit the exit code
 */
record CliRun(int exit, String out, String err) {

    static CliRun run(ApiClient api, EventSourceFactory events, Map<String, String> env, Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(api, events, env, clock, action -> { });
        int exit = BatonCli.commandLine(context, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    static CliRun run(ApiClient api, String... args) {
        return run(api, (bootstrap, topics, fromBeginning, wait) -> {
            throw new AssertionError("no Kafka expected");
        }, Map.of(), Clock.systemUTC(), args);
    }

    /** Standard error as lines. */
    String[] errLines() {
        return err.isEmpty() ? new String[0] : err.split("\n");
    }
}
