package dev.baton.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Option;

/** Options every benchmark takes (a picocli mixin). */
public final class BenchOptions {
    @Option(names = "--no-write", description = "Print the result only; leave docs/benchmarks.md as it is.")
    boolean noWrite;

    @Option(names = "--quick", description = "A short smoke run (fewer trials, shorter phases) to check that the "
            + "benchmark works. Its result is printed but never written to docs/benchmarks.md.")
    boolean quick;

    @Option(names = "--docs", description = "The file to write the result into (default: docs/benchmarks.md of the repository).")
    Path docs;

    /** Whether this is a smoke run. */
    public boolean quick() {
        return quick;
    }

    /** Where the result goes, or null when it is only printed. */
    public Path docsFile() {
        if (noWrite || quick) {
            return null;
        }
        return docs != null ? docs : Repository.root().resolve("docs").resolve("benchmarks.md");
    }

    /** A fresh directory for this run's logs and data: {@code bench/target/runs/<name>-<time>}. */
    public Path workDir(String benchmark) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        try {
            return Files.createDirectories(Repository.root().resolve("bench").resolve("target").resolve("runs")
                    .resolve(benchmark + "-" + stamp));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
