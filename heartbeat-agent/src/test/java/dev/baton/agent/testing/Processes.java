package dev.baton.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child processes in tests: the JDK's java, the agent's shaded jar, and whether a pid still runs. */
public final class Processes {
    private Processes() {
    }

    /** The java binary running these tests: present wherever the tests run, unlike python3 or nc. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The agent's executable jar; failsafe runs after {@code package}, so it exists for every IT. */
    public static Path agentJar() {
        Path jar = Path.of("target", "heartbeat-agent.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " missing: run the ITs through 'mvn verify'");
        }
        return jar;
    }

    /** JVM options for small, quickly starting child JVMs. */
    public static List<String> smallJvm() {
        return List.of("-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");
    }

    /** The sample plugin as a command plugin: {@code java ... SamplePluginMain {port} {serverId}}. */
    public static List<String> samplePluginCommand() {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(smallJvm());
        command.addAll(List.of("-cp", agentJar().toString(), "dev.baton.agent.plugin.SamplePluginMain", "{port}",
                "{serverId}"));
        return command;
    }

    /**
     * Whether {@code pid} is a running process. A zombie (dead, not yet reaped: an orphan whose new parent does not
     * reap, as in some containers) does not count: it runs no code and holds no port.
     */
    public static boolean isRunning(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            // pid (comm) state ...: the state follows the last ')' since comm may hold spaces or parentheses.
            char state = text.substring(text.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** The pid in a plugin's RUNNING detail ({@code ... (pid 4242, log ...)}). */
    public static long pidIn(String detail) {
        int at = detail.indexOf("pid ");
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
