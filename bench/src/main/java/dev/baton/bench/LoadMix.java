package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The realistic load of the false-failovers benchmark's {@code --mix}: besides stress-ng's CPU hog, a loop starting
 * JVMs one after another (the CLI jar printing its help: a real JVM start with class loading and JIT) and a loop
 * building a copy of this repository with Maven ({@code mvn -o -q clean compile}), both at Baton's priority. Each loop
 * writes one line per completed round to its log, so the report can count them.
 */
final class LoadMix implements AutoCloseable {
    static final String JVM_ROUND = "jvm-start-done";
    static final String BUILD_ROUND = "build-done";

    private final List<ToolProcess> loops;
    private final Path jvmLog;
    private final Path buildLog;

    private LoadMix(List<ToolProcess> loops, Path jvmLog, Path buildLog) {
        this.loops = loops;
        this.jvmLog = jvmLog;
        this.buildLog = buildLog;
    }

    /** The shell loops, as run: for the report. */
    static List<String> describe(Path cliJar, Path buildCopy) {
        return List.of(jvmLoop(cliJar), buildLoop(buildCopy));
    }

    /** Copies the repository's sources into {@code work} and starts both loops; stop them with {@link #close()}. */
    static LoadMix start(Path work) {
        ToolProcess.require("mvn", "maven");
        Path cliJar = Repository.root().resolve("cli").resolve("target").resolve("baton.jar");
        if (!Files.isRegularFile(cliJar)) {
            throw new IllegalStateException(cliJar + " is missing: build with mvn -B -ntp -q package -DskipTests");
        }
        Path copy = work.resolve("build-copy");
        cloneSources(copy);
        List<ToolProcess> loops = new ArrayList<>();
        loops.add(ToolProcess.start("jvm-starts", List.of("sh", "-c", jvmLoop(cliJar)), work));
        loops.add(ToolProcess.start("maven-build", List.of("sh", "-c", buildLoop(copy)), work));
        return new LoadMix(loops, work.resolve("jvm-starts.log"), work.resolve("maven-build.log"));
    }

    private static String jvmLoop(Path cliJar) {
        return "while :; do java -jar '" + cliJar + "' --help >/dev/null 2>&1; echo " + JVM_ROUND + "; done";
    }

    private static String buildLoop(Path copy) {
        return "cd '" + copy + "' && while :; do mvn -B -ntp -o -q clean compile -DskipTests >/dev/null 2>&1; echo "
                + BUILD_ROUND + " $?; done";
    }

    /** A shallow clone of the repository's committed sources (no targets), so the loop never touches the tree. */
    private static void cloneSources(Path copy) {
        try {
            if (Files.isDirectory(copy)) {
                return;
            }
            Process git = new ProcessBuilder("git", "clone", "-q", "--depth", "1", "file://" + Repository.root(),
                    copy.toString()).redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (git.waitFor() != 0) {
                throw new IllegalStateException("git clone of the repository for the build loop failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** JVM starts completed so far. */
    int jvmStarts() {
        return rounds(jvmLog, JVM_ROUND);
    }

    /** Maven builds completed so far. */
    int builds() {
        return rounds(buildLog, BUILD_ROUND);
    }

    /** Whether both loops still run. */
    boolean alive() {
        return loops.stream().allMatch(ToolProcess::alive);
    }

    static int rounds(Path log, String marker) {
        try {
            return Files.isRegularFile(log) ? (int) Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith(marker)).count() : 0;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        loops.forEach(ToolProcess::close);
    }
}
