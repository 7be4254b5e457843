package dev.baton.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Audit ingestion and history queries. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit ingestion and history queries.")
public final class AuditBench implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("audit: not written yet");
    }
}
