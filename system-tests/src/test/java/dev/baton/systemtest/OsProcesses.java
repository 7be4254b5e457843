package dev.baton.systemtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The agent's executable jar, the JDK's java, signals and whether a pid still runs. */
final class OsProcesses {
    /** Set by the module's failsafe configuration; the default is where the reactor build puts the jar. */
    private static final String AGENT_JAR_PROPERTY = "baton.agent.jar";

    private static Path agentJarCopy;

    private OsProcesses() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * A copy, taken once per test JVM, of {@code heartbeat-agent/target/heartbeat-agent.jar}, built by {@code mvn
     * package} of that module (in the reactor build it is packaged before this module runs). Agent and plugin JVMs run
     * from the copy: a build of the agent module while the tests run rewrites the original under them (seen as a
     * NoClassDefFoundError in an agent started at that moment).
     */
    static synchronized Path agentJar() {
        if (agentJarCopy == null) {
            Path jar = Path.of(System.getProperty(AGENT_JAR_PROPERTY, "../heartbeat-agent/target/heartbeat-agent.jar"))
                    .toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: the system tests run agents from the"
                        + " heartbeat-agent's executable jar. Build it first: mvn -B -o package -DskipTests -pl"
                        + " heartbeat-agent (or run the whole reactor: mvn -B -o verify)");
            }
            try {
                Path copy = Files.createDirectories(Path.of("target", "agent-jar")).toAbsolutePath()
                        .resolve("heartbeat-agent.jar");
                Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
                agentJarCopy = copy;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + jar, e);
            }
        }
        return agentJarCopy;
    }

    /** The agent's recommended JVM options (heartbeat-agent/README.md), so several fit on a small machine. */
    static List<String> agentJvm() {
        return List.of("-Xmx64m", "-Xmn8m", "-Xss512k", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=64m",
                "-XX:ReservedCodeCacheSize=32m", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
                "-XX:CompileThresholdScaling=0.1", "-XX:-UsePerfData");
    }

    /** The built-in sample plugin as a command plugin, a JVM of its own: {@code SamplePluginMain {port} {serverId}}. */
    static List<String> samplePluginCommand() {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
        command.addAll(List.of("-cp", agentJar().toString(), "dev.baton.agent.plugin.SamplePluginMain", "{port}",
                "{serverId}"));
        return command;
    }

    /** Sends {@code signal} (KILL, TERM) with the kill command, as an operator would. */
    static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Whether {@code pid} runs. A zombie (dead, not reaped yet: an orphan whose new parent does not reap, as in some
     * containers) does not count: it runs no code and holds no port.
     */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ...: the state follows the last ')', since comm may hold spaces or parentheses.
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** The pid in a command plugin's RUNNING detail ({@code ... (pid 4242, log ...)}). */
    static long pidIn(String detail) {
        int at = detail == null ? -1 : detail.indexOf("pid ");
        if (at < 0) {
            throw new IllegalArgumentException("no pid in '" + detail + "'");
        }
        int end = at + 4;
        while (end < detail.length() && Character.isDigit(detail.charAt(end))) {
            end++;
        }
        return Long.parseLong(detail.substring(at + 4, end));
    }
}
