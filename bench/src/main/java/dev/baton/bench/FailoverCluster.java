package dev.baton.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.bench.FailoverSettings.Service;
import dev.baton.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The whole of Baton for the failover benchmarks, every service a separate OS process as {@code ./baton up} runs
 * it: Kafka (in the benchmark's JVM) and PostgreSQL ({@link Infra}), two placement-service instances with
 * control-plane failover (database {@code baton}), the audit-service (database {@code baton_audit}), a
 * proxy-gateway routing role {@value #ROLE} on a port of its own, and three heartbeat-agents
 * ({@code server-a/b/c}, the small-footprint JVM options of heartbeat-agent/README.md). The role runs on the
 * built-in sample plugin with the three servers in that order and no failback, created through the placement's
 * admin API. Every service runs at its defaults except for the run's {@link FailoverSettings overrides}.
 */
public final class FailoverCluster implements AutoCloseable {
    public static final String ROLE = "bench";
    public static final List<String> SERVERS = List.of("server-a", "server-b", "server-c");
    /** heartbeat-agent/README.md (as the local run starts agents). */
    public static final List<String> AGENT_JVM = List.of("-Xmx64m", "-Xmn8m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=32m", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=0.1", "-XX:-UsePerfData");
    /** The other services, as the local run starts them. */
    public static final List<String> SERVICE_JVM = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");

    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration POLL = Duration.ofMillis(50);

    private final Path workDir;
    private final Path logDir;
    private final FailoverSettings settings;
    private final String token;
    private final FailoverHttp http;
    private final List<ServiceProcess> started = new ArrayList<>();
    private final Map<String, ServiceProcess> agents = new LinkedHashMap<>();
    private final Map<String, Integer> agentPorts = new LinkedHashMap<>();
    private final Map<String, Integer> agentStarts = new LinkedHashMap<>();
    private final Map<Service, Map<String, String>> effective = new EnumMap<>(Service.class);
    private final int placement1 = FreePorts.next();
    private final int placement2 = FreePorts.next();
    private final int auditPort = FreePorts.next();
    private final int gatewayPort = FreePorts.next();
    private final int rolePort = FreePorts.next();
    private Infra infra;
    private long startupEpoch;
    private String placementDb;
    private String auditDb;
    private final List<ServiceProcess> placements = new ArrayList<>();

    private FailoverCluster(Path workDir, FailoverSettings settings) {
        this.workDir = workDir;
        this.logDir = workDir.resolve("logs");
        this.settings = settings;
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.http = new FailoverHttp(token);
    }

    /** The base configuration of each service, used to learn which keys each knows before anything starts. */
    public static Map<Service, Map<String, String>> probeConfig(Path workDir) {
        FailoverCluster shape = new FailoverCluster(workDir, FailoverSettings.defaults());
        shape.placementDb = "jdbc:postgresql://127.0.0.1:5432/baton";
        shape.auditDb = "jdbc:postgresql://127.0.0.1:5432/baton_audit";
        Map<Service, Map<String, String>> probe = new EnumMap<>(Service.class);
        probe.put(Service.PLACEMENT, shape.placementBase("placement-1", 8081, "127.0.0.1:9092"));
        probe.put(Service.AUDIT, shape.auditBase("127.0.0.1:9092"));
        probe.put(Service.GATEWAY, shape.gatewayBase("127.0.0.1:9092"));
        probe.put(Service.AGENT, shape.agentBase(SERVERS.get(0), 8084, "127.0.0.1:9092"));
        return probe;
    }

    /**
     * Starts everything and waits until the role answers through the gateway. {@code progress} receives one line per
     * step.
     *
     * @throws IllegalArgumentException when a service would refuse the configuration (nothing is started then)
     */
    public static FailoverCluster start(Path workDir, FailoverSettings settings, java.util.function.Consumer<String> progress)
            throws InterruptedException {
        FailoverCluster cluster = new FailoverCluster(workDir, settings);
        // Validate every service's configuration before starting anything.
        Map<Service, Map<String, String>> probe = probeConfig(workDir);
        for (Service service : Service.values()) {
            cluster.effective.put(service, FailoverSettings.effective(service, settings.apply(service,
                    probe.get(service))));
        }
        try {
            cluster.startAll(progress);
            return cluster;
        } catch (RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll(java.util.function.Consumer<String> progress) throws InterruptedException {
        progress.accept("starting Kafka and PostgreSQL");
        infra = Infra.kafkaAndPostgres(workDir);
        placementDb = infra.createDatabase("baton");
        auditDb = infra.createDatabase("baton_audit");
        String kafka = infra.bootstrapServers();
        progress.accept("Kafka " + kafka + "; starting 2 placement instances, audit, gateway and 3 agents");
        Path placementJar = Repository.jar("placement-service", workDir);
        Path agentJar = Repository.jar("heartbeat-agent", workDir);
        Map<ServiceProcess, Integer> ready = new LinkedHashMap<>();
        int[] placementPorts = {placement1, placement2};
        for (int i = 0; i < 2; i++) {
            String id = "placement-" + (i + 1);
            ServiceProcess placement = launch(id, placementJar, SERVICE_JVM, settings.apply(Service.PLACEMENT,
                    placementBase(id, placementPorts[i], kafka)));
            placements.add(placement);
            ready.put(placement, placementPorts[i]);
        }
        ready.put(launch("audit", Repository.jar("audit-service", workDir), SERVICE_JVM,
                settings.apply(Service.AUDIT, auditBase(kafka))), auditPort);
        ready.put(launch("gateway", Repository.jar("proxy-gateway", workDir), SERVICE_JVM,
                settings.apply(Service.GATEWAY, gatewayBase(kafka))), gatewayPort);
        for (String server : SERVERS) {
            int port = FreePorts.next();
            ServiceProcess agent = launch(server, agentJar, AGENT_JVM, settings.apply(Service.AGENT,
                    agentBase(server, port, kafka)));
            agents.put(server, agent);
            agentPorts.put(server, port);
            agentStarts.put(server, 1);
            ready.put(agent, port);
        }
        ready.forEach((process, port) -> process.awaitReady(port, START));
        String leader = awaitLeader(START);
        progress.accept("every process ready; placement leader " + leader);
        await("servers " + SERVERS + " UP", START, () -> {
            Map<String, String> states = serverStates();
            return SERVERS.stream().allMatch(s -> "UP".equals(states.get(s))) ? Boolean.TRUE : null;
        });
        Map<String, Object> role = new LinkedHashMap<>();
        role.put("roleId", ROLE);
        role.put("servers", SERVERS);
        role.put("forceHighestPriority", false);
        role.put("plugin", Map.of("kind", "sample"));
        FailoverHttp.Answer created = call(() -> http.post(placementApi() + "/roles", role));
        if (created.status() != 201) {
            throw new IllegalStateException("creating role " + ROLE + ": HTTP " + created.status() + " " + created.body());
        }
        Placement running = await("role " + ROLE + " RUNNING behind the gateway", START, () -> {
            Placement placement = placement();
            Route route = route();
            return placement.host() != null && route.running() && placement.host().equals(route.server())
                    && route.epoch() == placement.epoch() ? placement : null;
        });
        startupEpoch = running.epoch();
        progress.accept("role " + ROLE + " (sample plugin, servers " + String.join(", ", SERVERS)
                + ", no failback) RUNNING on " + running.host() + " at epoch " + running.epoch() + ", gateway port "
                + rolePort + (running.epoch() > 1 ? " (it moved during start-up: see the placement logs)" : ""));
    }

    private ServiceProcess launch(String name, Path jar, List<String> jvm, Map<String, String> config) {
        ServiceProcess process = ServiceProcess.start(name, jar, jvm, config, logDir);
        synchronized (started) {
            started.add(process);
        }
        return process;
    }

    // ------------------------------------------------------------------------------------ configuration

    private Map<String, String> placementBase(String instance, int port, String kafka) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("instance.id", instance);
        config.put("kafka.bootstrap.servers", kafka);
        config.put("db.url", placementDb);
        config.put("db.user", infra == null ? "postgres" : infra.dbUser());
        config.put("db.password", infra == null ? "postgres" : infra.dbPassword());
        config.put("http.host", "127.0.0.1");
        config.put("http.port", Integer.toString(port));
        config.put("api.token", token);
        config.put("control.plane.failover", "true");
        return config;
    }

    private Map<String, String> auditBase(String kafka) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka);
        config.put("db.url", auditDb);
        config.put("db.user", infra == null ? "postgres" : infra.dbUser());
        config.put("db.password", infra == null ? "postgres" : infra.dbPassword());
        config.put("http.host", "127.0.0.1");
        config.put("http.port", Integer.toString(auditPort));
        config.put("api.token", token);
        return config;
    }

    private Map<String, String> gatewayBase(String kafka) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka);
        config.put("gateway.id", "gw-bench");
        config.put("routes", ROLE + ":" + rolePort);
        config.put("listen.host", "127.0.0.1");
        config.put("http.host", "127.0.0.1");
        config.put("http.port", Integer.toString(gatewayPort));
        config.put("api.token", token);
        return config;
    }

    private Map<String, String> agentBase(String server, int port, String kafka) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("server.id", server);
        config.put("kafka.bootstrap.servers", kafka);
        config.put("advertised.host", "127.0.0.1");
        config.put("http.host", "127.0.0.1");
        config.put("http.port", Integer.toString(port));
        config.put("plugin.work.dir", workDir.resolve("agents").resolve(server).toString());
        return config;
    }

    /** What each service runs with (defaults included, secrets masked). */
    public Map<Service, Map<String, String>> effective() {
        return effective;
    }

    /**
     * The role's epoch once it first ran behind the gateway: 1 unless it moved during start-up (each move raises the
     * epoch by one).
     */
    public long startupEpoch() {
        return startupEpoch;
    }

    public FailoverSettings settings() {
        return settings;
    }

    // -------------------------------------------------------------------------------------------- views

    /** The role as the placement sees it: host (null when unplaced) and epoch (-1 before any). */
    public record Placement(String host, long epoch) {
    }

    /** The gateway's route of the role. */
    public record Route(String state, String server, long epoch, int openConnections) {
        boolean running() {
            return "RUNNING".equals(state);
        }
    }

    public Placement placement() throws IOException, InterruptedException {
        FailoverHttp.Answer answer = placementGet("/roles/" + ROLE);
        if (answer.status() != 200) {
            throw new IOException("GET /roles/" + ROLE + ": HTTP " + answer.status() + " " + answer.body());
        }
        JsonNode json = answer.json();
        String host = json.path("hostingServer").asText("");
        return new Placement(host.isEmpty() ? null : host, json.path("epoch").asLong(-1));
    }

    public Map<String, String> serverStates() throws IOException, InterruptedException {
        FailoverHttp.Answer answer = placementGet("/servers");
        if (answer.status() != 200) {
            throw new IOException("GET /servers: HTTP " + answer.status() + " " + answer.body());
        }
        Map<String, String> states = new LinkedHashMap<>();
        for (JsonNode server : answer.json().path("servers")) {
            states.put(server.path("serverId").asText(), server.path("state").asText());
        }
        return states;
    }

    public Route route() throws IOException, InterruptedException {
        FailoverHttp.Answer answer = http.get("http://127.0.0.1:" + gatewayPort + "/api/v1/routes");
        if (answer.status() != 200) {
            throw new IOException("GET gateway routes: HTTP " + answer.status() + " " + answer.body());
        }
        JsonNode routes = answer.json().isArray() ? answer.json() : answer.json().path("routes");
        for (JsonNode route : routes) {
            if (ROLE.equals(route.path("roleId").asText())) {
                return new Route(route.path("state").asText(), route.path("server").asText(null),
                        route.path("epoch").asLong(-1), route.path("openConnections").asInt());
            }
        }
        throw new IOException("the gateway has no route " + ROLE + ": " + answer.body());
    }

    /** Each placement instance's view of the leader ({@code instance → leaderId@term}), "unreachable" when down. */
    public Map<String, String> leaders() throws InterruptedException {
        Map<String, String> leaders = new LinkedHashMap<>();
        int[] ports = {placement1, placement2};
        for (int i = 0; i < ports.length; i++) {
            String view;
            try {
                JsonNode ready = http.get("http://127.0.0.1:" + ports[i] + "/health/ready").json();
                view = ready.path("leaderId").asText("none") + "@" + ready.path("term").asText("?");
            } catch (IOException e) {
                view = "unreachable";
            }
            leaders.put("placement-" + (i + 1), view);
        }
        return leaders;
    }

    /** Waits until both placement instances name the same leader; answers its id. */
    public String awaitLeader(Duration timeout) throws InterruptedException {
        return await("a placement leader both instances agree on", timeout, () -> {
            Map<String, String> leaders = leaders();
            List<String> views = List.copyOf(leaders.values());
            String first = views.get(0);
            return !first.startsWith("none") && !first.equals("unreachable") && views.stream().allMatch(first::equals)
                    ? first.substring(0, first.indexOf('@')) : null;
        });
    }

    /** Rows of the audit-service's failover timeline for the role (every reason), oldest first. */
    public List<JsonNode> failovers() throws IOException, InterruptedException {
        List<JsonNode> rows = new ArrayList<>();
        String cursor = null;
        do {
            String url = auditApi() + "/failovers?role=" + ROLE + "&limit=1000"
                    + (cursor == null ? "" : "&cursor=" + cursor);
            FailoverHttp.Answer answer = http.get(url);
            if (answer.status() != 200) {
                throw new IOException("GET " + url + ": HTTP " + answer.status() + " " + answer.body());
            }
            answer.json().path("failovers").forEach(rows::add);
            JsonNode next = answer.json().path("nextCursor");
            cursor = next.isTextual() ? next.asText() : null;
        } while (cursor != null);
        return rows;
    }

    /** Events stored by the audit-service of the given types since {@code from}. */
    public List<JsonNode> auditEvents(String types, Instant from) throws IOException, InterruptedException {
        List<JsonNode> rows = new ArrayList<>();
        String cursor = null;
        do {
            String url = auditApi() + "/events?type=" + types + "&from=" + from + "&limit=1000"
                    + (cursor == null ? "" : "&cursor=" + cursor);
            FailoverHttp.Answer answer = http.get(url);
            if (answer.status() != 200) {
                throw new IOException("GET " + url + ": HTTP " + answer.status() + " " + answer.body());
            }
            answer.json().path("events").forEach(rows::add);
            JsonNode next = answer.json().path("nextCursor");
            cursor = next.isTextual() ? next.asText() : null;
        } while (cursor != null);
        return rows;
    }

    private FailoverHttp.Answer placementGet(String path) throws IOException, InterruptedException {
        try {
            return http.get(placementApi() + path);
        } catch (IOException e) {
            return http.get("http://127.0.0.1:" + placement2 + "/api/v1" + path);
        }
    }

    private String placementApi() {
        return "http://127.0.0.1:" + placement1 + "/api/v1";
    }

    private String auditApi() {
        return "http://127.0.0.1:" + auditPort + "/api/v1";
    }

    public int rolePort() {
        return rolePort;
    }

    public String bootstrapServers() {
        return infra.bootstrapServers();
    }

    public Path logDir() {
        return logDir;
    }

    // ------------------------------------------------------------------------------------------- agents

    public ServiceProcess agent(String server) {
        return agents.get(server);
    }

    /** When a kill was sent (wall clock and monotonic), and when the process was seen gone. */
    public record Kill(Instant wall, long nanos, long goneNanos) {
    }

    /**
     * {@code kill -9} of {@code server}'s agent: SIGKILL sent from this JVM ({@link ProcessHandle#destroyForcibly},
     * one {@code kill(2)} call), so the moment of the kill is known to within microseconds (spawning the {@code kill}
     * command takes tens of milliseconds on a loaded machine); returns once the process is gone.
     */
    public Kill killAgent(String server) {
        ServiceProcess agent = agents.get(server);
        ProcessHandle handle = ProcessHandle.of(agent.pid())
                .orElseThrow(() -> new IllegalStateException(agent.name() + " is not running"));
        Instant wall = Instant.now();
        long nanos = System.nanoTime();
        if (!handle.destroyForcibly()) {
            throw new IllegalStateException("SIGKILL to " + agent.name() + " (pid " + agent.pid() + ") failed");
        }
        if (!agent.awaitExit(Duration.ofSeconds(10))) {
            throw new IllegalStateException(agent.name() + " survived SIGKILL");
        }
        return new Kill(wall, nanos, System.nanoTime());
    }

    /** Starts a new agent process for {@code server} (the previous one must be gone) and waits until it is ready. */
    public ServiceProcess restartAgent(String server, Duration timeout) throws InterruptedException {
        ServiceProcess previous = agents.get(server);
        if (previous != null && previous.alive()) {
            throw new IllegalStateException(server + "'s agent is still running");
        }
        int port = FreePorts.next();
        int start = agentStarts.merge(server, 1, Integer::sum);
        ServiceProcess agent = launch(server + "-" + start, Repository.jar("heartbeat-agent", workDir), AGENT_JVM,
                settings.apply(Service.AGENT, agentBase(server, port, infra.bootstrapServers())));
        agents.put(server, agent);
        agentPorts.put(server, port);
        agent.awaitReady(port, timeout);
        await(server + "'s new agent caught up", timeout, () -> {
            JsonNode ready = http.get("http://127.0.0.1:" + port + "/health/ready").json();
            return ready.path("caughtUp").asBoolean(false) ? Boolean.TRUE : null;
        });
        return agent;
    }

    /** The services and agents that should be running but are not, as a readable list (empty when all are). */
    public List<String> deadProcesses() {
        List<String> dead = new ArrayList<>();
        for (ServiceProcess process : placements) {
            if (!process.alive()) {
                dead.add(process.name());
            }
        }
        synchronized (started) {
            for (ServiceProcess process : started) {
                if (!process.alive() && (process.name().equals("audit") || process.name().equals("gateway"))) {
                    dead.add(process.name());
                }
            }
        }
        agents.forEach((server, agent) -> {
            if (!agent.alive()) {
                dead.add(agent.name());
            }
        });
        return dead;
    }

    // -------------------------------------------------------------------------------------------- waits

    /** One look at a condition: the value once it holds, null while it does not. */
    @FunctionalInterface
    public interface Probe<T> {
        T check() throws Exception;
    }

    /**
     * Looks at {@code probe} every 50 ms until it answers a value; fails after {@code timeout} with the last reason.
     */
    public static <T> T await(String what, Duration timeout, Probe<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            try {
                T value = probe.check();
                if (value != null) {
                    return value;
                }
                last = "not yet";
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e.toString();
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException(what + " not within " + timeout.toMillis() + " ms (last: " + last
                        + ")");
            }
            LockSupport.parkNanos(POLL.toNanos());
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException, InterruptedException;
    }

    private static <T> T call(Call<T> call) throws InterruptedException {
        try {
            return call.run();
        } catch (IOException e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    @Override
    public void close() {
        List<ServiceProcess> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        // Agents first, then the services: each is killed (no planned leave), so nothing waits on anything.
        java.util.Collections.reverse(all);
        for (ServiceProcess process : all) {
            try {
                process.close();
            } catch (RuntimeException e) {
                System.err.println("closing " + process.name() + ": " + e);
            }
        }
        if (infra != null) {
            infra.close();
        }
    }
}
