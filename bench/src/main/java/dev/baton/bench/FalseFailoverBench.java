package dev.baton.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** False failovers under CPU saturation. */
@Command(name = "false-failovers", mixinStandardHelpOptions = true, description = "False failovers under CPU saturation.")
public final class FalseFailoverBench implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("false-failovers: not written yet");
    }
}
