package dev.baton.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Gateway data path. */
@Command(name = "gateway", mixinStandardHelpOptions = true, description = "Gateway data path.")
public final class GatewayBench implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("gateway: not written yet");
    }
}
