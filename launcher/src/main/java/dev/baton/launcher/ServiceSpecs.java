package dev.baton.launcher;

import dev.baton.testkit.PostgresBinaries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each process of the local run is started with: its command line (JVM options, the run's marker, the main
 * class or jar) and its environment. One place, so that a test starts a part exactly as {@code ./baton up} does.
 */
final class ServiceSpecs {
    static final String DATABASE = "baton";
    static final String DB_USER = "postgres";
    static final String DB_PASSWORD = "postgres";

    /** heartbeat-agent/README.md: the agent's small footprint. */
    static final List<String> AGENT_JVM = List.of("-Xmx64m", "-Xmn8m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=32m", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=0.1", "-XX:-UsePerfData");
    /** The other services: a bounded heap and C1 only, which starts nine JVMs on a laptop noticeably faster. */
    static final List<String> SERVICE_JVM = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    static final List<String> KAFKA_JVM = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    /**
     * PostgreSQL's starter only runs the server: the binaries are unpacked streaming (testkit {@code PostgresBinaries},
     * about 10 MiB of heap), so a small heap suffices on a fresh machine too.
     */
    static final List<String> POSTGRES_JVM = List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** A process to start: its name (log and pid file), command line and environment. */
    record Spec(String name, List<String> command, Map<String, String> env) {
    }

    private final Path root;
    private final Path home;
    private final Ports ports;
    private final String marker;
    private final Map<String, String> launcherEnv;

    /**
     * @param marker on the command line of every process of the run: how a later start or a test finds leftovers
     * @param launcherEnv the launcher's environment, of which the settings meant for a part are passed on to it
     */
    ServiceSpecs(Path root, Path home, Ports ports, String marker, Map<String, String> launcherEnv) {
        this.root = root;
        this.home = home;
        this.ports = ports;
        this.marker = marker;
        this.launcherEnv = Map.copyOf(launcherEnv);
    }

    Spec kafka() {
        return new Spec("kafka", javaMain(KAFKA_JVM, KafkaServerMain.class, home.resolve("kafka").toString(),
                Integer.toString(ports.kafka()), Integer.toString(ports.kafkaController())), Map.of());
    }

    Spec postgres() {
        Map<String, String> env = new LinkedHashMap<>();
        String cache = launcherEnv.get(PostgresBinaries.CACHE_ENV);
        if (cache != null && !cache.isBlank()) {
            env.put(PostgresBinaries.CACHE_ENV, cache);
        }
        return new Spec("postgres", javaMain(POSTGRES_JVM, PostgresServerMain.class,
                home.resolve("postgres").toString(), Integer.toString(ports.postgres()), DATABASE), env);
    }

    Spec placement(String instance, int httpPort, String token) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_INSTANCE_ID", instance);
        env.put("BATON_KAFKA_BOOTSTRAP_SERVERS", ports.kafkaBootstrap());
        putDatabase(env);
        putHttp(env, httpPort, token);
        env.put("BATON_CONTROL_PLANE_FAILOVER", "true");
        return new Spec(instance, javaJar(SERVICE_JVM, "placement-service"), env);
    }

    Spec audit(String token) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_KAFKA_BOOTSTRAP_SERVERS", ports.kafkaBootstrap());
        putDatabase(env);
        putHttp(env, ports.audit(), token);
        return new Spec("audit", javaJar(SERVICE_JVM, "audit-service"), env);
    }

    Spec gateway(String token) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_KAFKA_BOOTSTRAP_SERVERS", ports.kafkaBootstrap());
        env.put("BATON_GATEWAY_ID", "gw-local");
        env.put("BATON_ROUTES", LocalRun.DEMO_ROLE + ":" + ports.demoRoute());
        env.put("BATON_LISTEN_HOST", "127.0.0.1");
        putHttp(env, ports.gateway(), token);
        return new Spec("gateway", javaJar(SERVICE_JVM, "proxy-gateway"), env);
    }

    Spec agent(String serverId, int httpPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_SERVER_ID", serverId);
        env.put("BATON_KAFKA_BOOTSTRAP_SERVERS", ports.kafkaBootstrap());
        env.put("BATON_ADVERTISED_HOST", "127.0.0.1");
        env.put("BATON_HTTP_HOST", "127.0.0.1");
        env.put("BATON_HTTP_PORT", Integer.toString(httpPort));
        env.put("BATON_PLUGIN_WORK_DIR", home.resolve("agents").resolve(serverId).toString());
        return new Spec(serverId, javaJar(AGENT_JVM, "heartbeat-agent"), env);
    }

    String dbUrl() {
        return "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/" + DATABASE;
    }

    /** The executable jar of a service module. */
    Path jar(String module) {
        return root.resolve(module).resolve("target").resolve(module + ".jar");
    }

    private void putDatabase(Map<String, String> env) {
        env.put("BATON_DB_URL", dbUrl());
        env.put("BATON_DB_USER", DB_USER);
        env.put("BATON_DB_PASSWORD", DB_PASSWORD);
    }

    private static void putHttp(Map<String, String> env, int port, String token) {
        env.put("BATON_HTTP_HOST", "127.0.0.1");
        env.put("BATON_HTTP_PORT", Integer.toString(port));
        env.put("BATON_API_TOKEN", token);
    }

    private List<String> javaMain(List<String> jvm, Class<?> main, String... args) {
        List<String> command = javaWith(jvm);
        command.add("-cp");
        command.add(root.resolve("launcher").resolve("target").resolve("lib") + "/*");
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    private List<String> javaJar(List<String> jvm, String module) {
        List<String> command = javaWith(jvm);
        command.add("-jar");
        command.add(jar(module).toString());
        return command;
    }

    private List<String> javaWith(List<String> jvm) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.add(marker);
        return command;
    }
}
