package dev.baton.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.testcontainers.DockerClientFactory;

/**
 * Where the test infrastructure runs, chosen by {@code -Dbaton.infra=embedded|containers|auto}.
 *
 * <p>{@code auto} (the default) uses containers when a Docker engine answers and the embedded broker and
 * database otherwise; tests are never skipped for lack of Docker.
 */
public enum InfraMode {
    EMBEDDED,
    CONTAINERS;

    public static final String PROPERTY = "baton.infra";

    /** The mode for this JVM. */
    public static InfraMode resolve() {
        String value = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "embedded" -> EMBEDDED;
            case "containers" -> CONTAINERS;
            case "auto", "" -> dockerAvailable() ? CONTAINERS : EMBEDDED;
            default -> throw new IllegalArgumentException(
                    "-D" + PROPERTY + "=" + value + " is not one of embedded, containers, auto");
        };
    }

    private static boolean dockerAvailable() {
        // Asking Testcontainers costs time and logs an error when there is no engine: look for one first.
        boolean hint = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        return hint && DockerClientFactory.instance().isDockerAvailable();
    }
}
