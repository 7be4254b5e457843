package dev.baton.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Agent footprint. */
@Command(name = "agent-footprint", mixinStandardHelpOptions = true, description = "Agent footprint.")
public final class AgentFootprintBench implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("agent-footprint: not written yet");
    }
}
