package dev.baton.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Mass failover of 10,000 roles. */
@Command(name = "mass-failover", mixinStandardHelpOptions = true, description = "Mass failover of 10,000 roles.")
public final class MassFailoverBench implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("mass-failover: not written yet");
    }
}
