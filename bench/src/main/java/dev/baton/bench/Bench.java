package dev.baton.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bench/run <benchmark> [options]}: runs one benchmark of docs/benchmarks.md against real processes, a real
 * Kafka broker and a real PostgreSQL, prints its result and rewrites its section of docs/benchmarks.md.
 * {@code bench/run all} runs every one in turn. Benchmarks are never part of the test suite: they need a quiet
 * machine and minutes each.
 */
@Command(name = "bench/run", mixinStandardHelpOptions = true,
        description = "Runs a benchmark and writes its section of docs/benchmarks.md.",
        subcommands = {
            FailoverBench.class,
            FalseFailoverBench.class,
            HeartbeatBench.class,
            MassFailoverBench.class,
            AuditBench.class,
            GatewayBench.class,
            GatewayMovesBench.class,
            AgentFootprintBench.class,
            AllBench.class,
        })
public final class Bench implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }
}
