package dev.baton.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Heartbeat ingestion. */
@Command(name = "heartbeats", mixinStandardHelpOptions = true, description = "Heartbeat ingestion.")
public final class HeartbeatBench implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("heartbeats: not written yet");
    }
}
