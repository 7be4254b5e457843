package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The repository the benchmarks run from, and the service jars built in it. */
public final class Repository {
    private Repository() {
    }

    /** {@code -Dbaton.root}, or the nearest directory upwards from the working directory holding bench/pom.xml. */
    public static Path root() {
        String property = System.getProperty("baton.root");
        if (property != null) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("bench").resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from inside the Baton repository, or set -Dbaton.root");
    }

    /**
     * A copy of {@code <module>/target/<module>.jar} in {@code workDir}, so that a build during the run does not
     * rewrite the jar under the processes started from it.
     */
    public static Path jar(String module, Path workDir) {
        Path jar = root().resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (bench/run does: mvn -B -DskipTests package)");
        }
        try {
            Path copy = Files.createDirectories(workDir.resolve("jars")).resolve(module + ".jar");
            if (!Files.exists(copy)) {
                Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java of this JVM, for the processes a benchmark starts. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
