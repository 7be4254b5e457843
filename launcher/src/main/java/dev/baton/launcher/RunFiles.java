package dev.baton.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a local run in {@code BATON_HOME}: the API token, one pid file per process, one log per process, and
 * {@value #CLI_ENV}, which tells {@code ./baton <cli command>} where this run's APIs and broker are.
 */
final class RunFiles {
    /** The CLI's settings for this run, as {@code BATON_*=value} lines; the token stays in {@code token} alone. */
    static final String CLI_ENV = "cli.env";
    private static final Logger LOG = LoggerFactory.getLogger(RunFiles.class);

    private final Path home;
    private final Path cwd;

    RunFiles(Path home, Path cwd) {
        this.home = home;
        this.cwd = cwd;
    }

    Path home() {
        return home;
    }

    Path pidFile(String name) {
        return home.resolve("pids").resolve(name);
    }

    Path logs() {
        return home.resolve("logs");
    }

    void createLayout() throws IOException {
        for (String dir : List.of("logs", "pids", "kafka", "agents")) {
            Files.createDirectories(home.resolve(dir));
        }
    }

    /** The API token: generated once, kept in {@code token} (owner-only), reused by every later run. */
    String token() throws IOException {
        Path file = home.resolve("token");
        if (Files.isRegularFile(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (stored.length() >= 16) {
                LOG.info("API token reused from {}", display(file));
                return stored;
            }
            LOG.warn("{} holds no usable token (shorter than 16 characters); a new one is generated", display(file));
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, fresh + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        LOG.info("API token generated and stored in {}", display(file));
        return fresh;
    }

    /** Writes {@value #CLI_ENV}: the URLs and the broker of this run, for {@code ./baton roles list} and the like. */
    void writeCliEnv(Ports ports) throws IOException {
        Map<String, String> settings = cliSettings(ports);
        StringBuilder text = new StringBuilder("# Written by ./baton up: where the CLI finds this run (the token is in "
                + "the file token). Variables already set win.\n");
        settings.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        Files.writeString(home.resolve(CLI_ENV), text, StandardCharsets.UTF_8);
    }

    static Map<String, String> cliSettings(Ports ports) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("BATON_API_URL", "http://127.0.0.1:" + ports.placement1());
        settings.put("BATON_AUDIT_URL", "http://127.0.0.1:" + ports.audit());
        settings.put("BATON_KAFKA_BOOTSTRAP_SERVERS", ports.kafkaBootstrap());
        return settings;
    }

    /** Removes the pid files; only when no run is active here (they are a dead run's). */
    void clearPidFiles() {
        if (!Files.isDirectory(home.resolve("pids"))) {
            return;
        }
        try (Stream<Path> files = Files.list(home.resolve("pids"))) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("Cannot clear {}: {}", display(home.resolve("pids")), e.toString());
        }
    }

    static OptionalLong readPid(Path file) {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** {@code path} relative to where the user runs the command when it is below it, otherwise absolute. */
    String display(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(cwd) && !absolute.equals(cwd) ? cwd.relativize(absolute).toString()
                : absolute.toString();
    }
}
