package dev.baton.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** End-to-end failover through the gateway. */
@Command(name = "failover", mixinStandardHelpOptions = true, description = "End-to-end failover through the gateway.")
public final class FailoverBench implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("failover: not written yet");
    }
}
