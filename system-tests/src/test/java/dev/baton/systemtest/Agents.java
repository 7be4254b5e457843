package dev.baton.systemtest;

import dev.baton.agent.AgentSettings;
import dev.baton.agent.HeartbeatAgent;
import dev.baton.runtime.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The heartbeat-agents of one test, with the {@link Timing} of the system tests (heartbeats every 100 ms as by
 * default): in this JVM ({@link HeartbeatAgent}) or as OS processes ({@link AgentProcess}).
 * {@link #close()} stops every one of them, and their plugins.
 */
final class Agents implements AutoCloseable {
    private final String bootstrapServers;
    private final String namespace;
    private final Path workDir;
    private final List<AutoCloseable> started = new ArrayList<>();

    Agents(String bootstrapServers, String namespace, Path workDir) {
        this.bootstrapServers = bootstrapServers;
        this.namespace = namespace;
        this.workDir = workDir;
    }

    /** An agent's configuration: the test's broker and namespace, HTTP on a free loopback port, its own work dir. */
    Map<String, String> config(String serverId, String bootstrap) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("server.id", serverId);
        values.put("kafka.bootstrap.servers", bootstrap);
        values.put("kafka.topic.namespace", namespace);
        values.put("http.host", "127.0.0.1");
        values.put("http.port", "0");
        values.put("plugin.work.dir", workDir.resolve(serverId).toString());
        values.put("lease", Timing.millis(Timing.LEASE));
        values.put("placement.failure.timeout", Timing.millis(Timing.FAILURE_TIMEOUT));
        return values;
    }

    /** An agent in this JVM. */
    HeartbeatAgent inProcess(String serverId) {
        return inProcess(serverId, bootstrapServers);
    }

    /** An agent in this JVM that reaches Kafka at {@code bootstrap} (a proxied listener, say). */
    HeartbeatAgent inProcess(String serverId, String bootstrap) {
        return inProcess(serverId, bootstrap, Map.of());
    }

    /** An agent in this JVM reaching Kafka at {@code bootstrap}, with some settings of its own ({@code lease}...). */
    HeartbeatAgent inProcess(String serverId, String bootstrap, Map<String, String> overrides) {
        Map<String, String> values = config(serverId, bootstrap);
        values.putAll(overrides);
        Config config = Config.of(values);
        AgentSettings settings = AgentSettings.from(config);
        config.requireNoUnknownKeys();
        HeartbeatAgent agent = HeartbeatAgent.start(settings);
        started.add(agent);
        return agent;
    }

    /** An agent as an OS process: {@code java -jar heartbeat-agent.jar}, configured through BATON_* variables. */
    AgentProcess process(String serverId) {
        List<String> command = new ArrayList<>();
        command.add(OsProcesses.java());
        command.addAll(OsProcesses.agentJvm());
        command.addAll(List.of("-jar", OsProcesses.agentJar().toString()));
        try {
            Path log = Files.createDirectories(Path.of("target", "agent-logs"))
                    .resolve(serverId + "-" + System.nanoTime() + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith(Config.ENV_PREFIX));
            config(serverId, bootstrapServers).forEach((key, value) -> builder.environment().put(Config.envName(key), value));
            AgentProcess agent = new AgentProcess(serverId, builder.start(), log);
            started.add(agent);
            return agent;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the agent of " + serverId, e);
        }
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("could not stop every agent", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
