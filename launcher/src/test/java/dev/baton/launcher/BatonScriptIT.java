package dev.baton.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./baton}, the one entry point: {@code --help} lists the local run's commands and the CLI's, and a CLI command
 * takes its URLs and token from {@code BATON_HOME} while variables already set win.
 */
class BatonScriptIT {
    @TempDir
    Path tmp;

    @Test
    void shouldListTheLocalRunsCommandsAndTheClisInItsHelp() throws Exception {
        String help = run(List.of("--help"), tmp.resolve("home"), List.of());

        assertThat(help).contains("up ", "down ", "status ", "roles ", "servers ", "events ", "audit ");
    }

    @Test
    void shouldPointTheCliAtTheLocalRunInBatonHomeUnlessAVariableSaysOtherwise() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        // Nothing listens on these ports: the CLI's one-line error names the URL it used.
        Files.writeString(home.resolve(RunFiles.CLI_ENV), "# a comment\nBATON_API_URL=http://127.0.0.1:1\n"
                + "NOT_BATON=ignored\n");
        Files.writeString(home.resolve("token"), "0123456789abcdefXYZ\n");

        String fromHome = run(List.of("roles", "list"), home, List.of());
        String overridden = run(List.of("roles", "list"), home, List.of("BATON_API_URL=http://127.0.0.1:2"));

        assertThat(fromHome).contains("127.0.0.1:1").doesNotContain("0123456789abcdefXYZ");
        assertThat(overridden).contains("127.0.0.1:2");
    }

    private String run(List<String> args, Path home, List<String> env) throws Exception {
        Path root = Path.of(System.getProperty("baton.root", "..")).toRealPath();
        Path out = Files.createTempFile(tmp, "baton-", ".out");
        ProcessBuilder builder = new ProcessBuilder(new java.util.ArrayList<>(List.of(root.resolve("baton")
                .toString()))).directory(root.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.command().addAll(args);
        builder.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
        builder.environment().put("BATON_HOME", home.toString());
        builder.environment().put("BATON_BUILD", "never");
        for (String pair : env) {
            builder.environment().put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("./baton %s finished", args).isTrue();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
