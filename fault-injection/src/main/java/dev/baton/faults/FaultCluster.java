package dev.baton.faults;

import dev.baton.bench.FailoverCluster;
import dev.baton.bench.Repository;
import dev.baton.testkit.FreePorts;
import dev.baton.testkit.TcpProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The whole of Baton as OS processes, for fault injection: a Kafka broker and PostgreSQL (each a process of its own,
 * data kept across restarts), two placement-service instances with control-plane failover, the audit-service, one
 * proxy-gateway and four heartbeat-agents ({@link #SERVERS}), running three roles ({@link #ROLES}) on a line-echo
 * command plugin, each behind the gateway on a port of its own.
 *
 * <p>Every Kafka client of the run reaches the broker through a proxy in this JVM: one for the services
 * ({@code SVC}) and one per agent, each in front of a broker listener that advertises the proxy's port, so one agent,
 * or everyone, can be cut off the broker while it keeps running. The run's own readers and writers use the broker's
 * direct listener.
 */
final class FaultCluster implements AutoCloseable {
    static final List<String> SERVERS = List.of("server-a", "server-b", "server-c", "server-d");
    static final List<String> ROLES = List.of("r1", "r2", "r3");
    static final String BROKER = "broker";
    static final String POSTGRES = "postgres";
    static final String AUDIT = "audit";
    static final String GATEWAY = "gateway";
    static final List<String> PLACEMENTS = List.of("placement-1", "placement-2");
    static final String SERVICES_LISTENER = "SVC";
    /** As the local run starts the broker and PostgreSQL's starter (launcher ServiceSpecs). */
    private static final List<String> KAFKA_JVM = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    private static final List<String> POSTGRES_JVM = List.of("-Xmx96m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    private static final String POSTGRES_READY = "BATON-READY";
    /** The longest a part may take to start: a broker restarted at a load average of 45 took 204 s. */
    static final Duration START = Duration.ofSeconds(300);
    /** How often a part that exits while it starts is started again, as a supervisor would. */
    private static final int START_ATTEMPTS = 3;

    private final Path runDir;
    private final Path logDir;
    private final Path tickDir;
    private final String token;
    private final Api api;
    private final int brokerPort = FreePorts.next();
    private final int controllerPort = FreePorts.next();
    private final int postgresPort = FreePorts.next();
    private final Map<String, Integer> httpPorts = new ConcurrentHashMap<>();
    private final Map<String, Integer> rolePorts = new LinkedHashMap<>();
    private final Map<String, TcpProxy> proxies = new LinkedHashMap<>();
    private final Map<String, Integer> listenerPorts = new LinkedHashMap<>();
    private final Map<String, Proc> procs = new ConcurrentHashMap<>();
    private final Map<String, Integer> starts = new ConcurrentHashMap<>();
    private final List<Proc> all = new ArrayList<>();
    private final Path plugin;

    private final Map<String, Map<String, String>> settings;

    private FaultCluster(Path runDir, Map<String, Map<String, String>> settings) {
        this.runDir = runDir;
        this.settings = Map.copyOf(settings);
        this.logDir = runDir.resolve("logs");
        this.tickDir = runDir.resolve("ticks");
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.api = new Api(token);
        this.plugin = runDir.resolve("echo-plugin.py");
        PLACEMENTS.forEach(p -> httpPorts.put(p, FreePorts.next()));
        httpPorts.put(AUDIT, FreePorts.next());
        httpPorts.put(GATEWAY, FreePorts.next());
        ROLES.forEach(r -> rolePorts.put(r, FreePorts.next()));
    }

    /** Starts everything and waits until every role answers through the gateway. */
    static FaultCluster start(Path runDir, Map<String, Map<String, String>> settings, Consumer<String> progress)
            throws InterruptedException {
        FaultCluster cluster = new FaultCluster(runDir, settings);
        try {
            cluster.startAll(progress);
            return cluster;
        } catch (RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll(Consumer<String> progress) throws InterruptedException {
        try (InputStream script = FaultCluster.class.getResourceAsStream("/echo-plugin.py")) {
            Files.createDirectories(tickDir);
            Files.write(plugin, Objects.requireNonNull(script, "echo-plugin.py").readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> groups = new ArrayList<>();
        groups.add(SERVICES_LISTENER);
        SERVERS.forEach(s -> groups.add(listenerOf(s)));
        for (String group : groups) {
            int listener = FreePorts.next();
            listenerPorts.put(group, listener);
            proxies.put(group, TcpProxy.start(FreePorts.next(), "127.0.0.1", listener));
        }
        progress.accept("starting the broker and PostgreSQL (processes)");
        start(BROKER);
        start(POSTGRES);
        awaitStarted(BROKER);
        awaitStarted(POSTGRES);
        progress.accept("broker " + directBootstrap() + ", PostgreSQL on " + postgresPort
                + "; starting 2 placement instances, audit, gateway and " + SERVERS.size() + " agents");
        PLACEMENTS.forEach(this::start);
        start(AUDIT);
        start(GATEWAY);
        SERVERS.forEach(this::start);
        for (String name : procs.keySet()) {
            awaitStarted(name, progress);
        }
        progress.accept("every process ready; logs in " + logDir);
    }

    static String listenerOf(String server) {
        return "AGENT_" + server.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    // ------------------------------------------------------------------------------------------- processes

    /** Starts (or starts again) the part {@code name}; the previous process of that name must be gone. */
    void start(String name) {
        Proc previous = procs.get(name);
        if (previous != null && previous.alive()) {
            throw new IllegalStateException(name + " is still running");
        }
        int start = starts.merge(name, 1, Integer::sum);
        String logName = start == 1 ? name : name + "-" + start;
        Proc proc = switch (name) {
            case BROKER -> Proc.start(logName, broker(), Map.of(), logDir);
            case POSTGRES -> Proc.start(logName, javaMain(POSTGRES_JVM, "dev.baton.launcher.PostgresServerMain",
                    runDir.resolve("postgres").toString(), Integer.toString(postgresPort), "baton"), Map.of(), logDir);
            default -> startService(logName, name);
        };
        procs.put(name, proc);
        synchronized (all) {
            all.add(proc);
        }
    }

    private Proc startService(String logName, String name) {
        Map<String, String> env = new LinkedHashMap<>();
        String module;
        List<String> jvm = FailoverCluster.SERVICE_JVM;
        if (SERVERS.contains(name)) {
            module = "heartbeat-agent";
            jvm = FailoverCluster.AGENT_JVM;
            httpPorts.put(name, FreePorts.next());
            env.put("BATON_SERVER_ID", name);
            env.put("BATON_KAFKA_BOOTSTRAP_SERVERS", proxies.get(listenerOf(name)).address());
            env.put("BATON_ADVERTISED_HOST", "127.0.0.1");
            env.put("BATON_PLUGIN_WORK_DIR", runDir.resolve("agents").resolve(name).toString());
        } else {
            env.put("BATON_KAFKA_BOOTSTRAP_SERVERS", proxies.get(SERVICES_LISTENER).address());
            env.put("BATON_API_TOKEN", token);
            if (PLACEMENTS.contains(name)) {
                module = "placement-service";
                env.put("BATON_INSTANCE_ID", name);
                env.put("BATON_CONTROL_PLANE_FAILOVER", "true");
                putDatabase(env);
            } else if (name.equals(AUDIT)) {
                module = "audit-service";
                putDatabase(env);
            } else {
                module = "proxy-gateway";
                env.put("BATON_GATEWAY_ID", "gw-faults");
                env.put("BATON_LISTEN_HOST", "127.0.0.1");
            }
        }
        env.put("BATON_HTTP_HOST", "127.0.0.1");
        env.put("BATON_HTTP_PORT", Integer.toString(httpPorts.get(name)));
        String part = SERVERS.contains(name) ? "agent" : PLACEMENTS.contains(name) ? "placement" : name;
        settings.getOrDefault(part, Map.of()).forEach((key, value) -> env.put(dev.baton.runtime.config.Config.envName(key),
                value));
        List<String> command = new ArrayList<>();
        command.add(Repository.java());
        command.addAll(jvm);
        command.add("-jar");
        command.add(Repository.jar(module, runDir).toString());
        return Proc.start(logName, command, env, logDir);
    }

    private void putDatabase(Map<String, String> env) {
        env.put("BATON_DB_URL", jdbcUrl());
        env.put("BATON_DB_USER", "postgres");
        env.put("BATON_DB_PASSWORD", "postgres");
    }

    private List<String> broker() {
        List<String> args = new ArrayList<>(List.of(runDir.resolve("kafka").toString(), Integer.toString(brokerPort),
                Integer.toString(controllerPort)));
        proxies.forEach((group, proxy) -> args.add(group + ":" + listenerPorts.get(group) + ":" + proxy.port()));
        return javaMain(KAFKA_JVM, FaultBrokerMain.class.getName(), args.toArray(String[]::new));
    }

    private static List<String> javaMain(List<String> jvm, String main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Repository.java());
        command.addAll(jvm);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main);
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Waits until the part answers; one that exits while it starts (a service whose start-up gives up because the
     * broker answers too slowly, seen at a load average of 40) is started again, as its supervisor would, up to
     * {@value #START_ATTEMPTS} times in all.
     */
    void awaitStarted(String name, Consumer<String> progress) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                awaitStarted(name);
                return;
            } catch (IllegalStateException e) {
                if (attempt >= START_ATTEMPTS || procs.get(name).alive()) {
                    throw e;
                }
                progress.accept("faults: " + e.getMessage() + "; starting it again");
                start(name);
            }
        }
    }

    /** Waits until the part answers: its readiness endpoint, or the broker's and PostgreSQL's ready line. */
    private void awaitStarted(String name) throws InterruptedException {
        Proc proc = procs.get(name);
        boolean ready = Waits.until(name + " ready (" + proc.log() + ")", START, () -> {
            if (!proc.alive()) {
                return Boolean.FALSE;
            }
            return switch (name) {
                case BROKER -> proc.logContains(FaultBrokerMain.READY) ? Boolean.TRUE : null;
                case POSTGRES -> proc.logContains(POSTGRES_READY) ? Boolean.TRUE : null;
                default -> api.get("http://127.0.0.1:" + httpPorts.get(name) + "/health/ready").status() == 200
                        ? Boolean.TRUE : null;
            };
        });
        if (!ready) {
            throw new IllegalStateException(name + " exited; see " + proc.log());
        }
    }

    Proc proc(String name) {
        return procs.get(name);
    }

    /** The parts whose process has exited although nothing stopped them. */
    List<String> dead() {
        List<String> dead = new ArrayList<>();
        procs.forEach((name, proc) -> {
            if (!proc.alive()) {
                dead.add(name);
            }
        });
        return dead;
    }

    /** PostgreSQL's server processes: the postmaster named in {@code postmaster.pid} and its children. */
    List<Long> postgresServer() {
        Path pidFile = runDir.resolve("postgres").resolve("postmaster.pid");
        List<Long> pids = new ArrayList<>();
        try {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
                ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(postmaster -> {
                    pids.add(pid);
                    postmaster.descendants().map(ProcessHandle::pid).forEach(pids::add);
                });
            }
        } catch (IOException | RuntimeException e) {
            // no server running
        }
        return pids;
    }

    // ------------------------------------------------------------------------------------------- network

    TcpProxy proxyOf(String server) {
        return proxies.get(listenerOf(server));
    }

    /** Every proxy: cutting them all cuts the broker off from every service and agent. */
    List<TcpProxy> proxies() {
        return List.copyOf(proxies.values());
    }

    // ------------------------------------------------------------------------------------------- addresses

    String directBootstrap() {
        return "127.0.0.1:" + brokerPort;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/baton";
    }

    String placementUrl(String instance) {
        return "http://127.0.0.1:" + httpPorts.get(instance) + "/api/v1";
    }

    String auditUrl() {
        return "http://127.0.0.1:" + httpPorts.get(AUDIT) + "/api/v1";
    }

    String gatewayUrl() {
        return "http://127.0.0.1:" + httpPorts.get(GATEWAY);
    }

    int httpPort(String name) {
        return httpPorts.get(name);
    }

    int rolePort(String role) {
        return rolePorts.get(role);
    }

    Path tickDir() {
        return tickDir;
    }

    Path pluginScript() {
        return plugin;
    }

    Path logDir() {
        return logDir;
    }

    Api api() {
        return api;
    }

    String token() {
        return token;
    }

    @Override
    public void close() {
        List<Proc> latestFirst;
        synchronized (all) {
            latestFirst = new ArrayList<>(all);
        }
        java.util.Collections.reverse(latestFirst);
        latestFirst.forEach(Proc::close);
        List<Long> postgres = postgresServer();
        Signals.send("CONT", postgres);
        Signals.send("KILL", postgres);
        proxies.values().forEach(TcpProxy::close);
    }
}
