package dev.baton.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./baton up}: the whole of Baton on this machine, every part a separate OS process — a real Kafka broker
 * (KRaft), a real PostgreSQL, two placement-service instances (control-plane failover), the audit-service, the
 * proxy-gateway and three heartbeat-agents — plus a demo role on the sample plugin; then it prints what to try.
 *
 * <p>State lives in {@code BATON_HOME} (default {@code .baton} at the repository root): the broker's log directory and
 * PostgreSQL's data (reused by the next run), the API token, one log per process ({@code logs/<name>.log}) and one pid
 * file per process ({@code pids/<name>}). {@code BATON_PORT_OFFSET} shifts every port.
 *
 * <p>Stopping (Ctrl-C, SIGTERM, {@code ./baton down}) runs in a shutdown hook: the agents first (SIGTERM is their
 * planned leave), then the services, then PostgreSQL and Kafka; then whatever is left of each process group is killed.
 * A launcher that dies without its hook ({@code kill -9}) closes every child's lifeline, and the child's watchdog
 * kills it (see {@link Child}); the next start also sweeps processes a previous run left behind.
 */
public final class LocalRun {
    /** What the broker and PostgreSQL processes print once they serve. */
    static final String READY_MARKER = "BATON-READY";
    /** The last line {@code ./baton up} prints once everything serves; tests wait for it. */
    static final String READY_LINE = "Baton local run ready";
    static final String DEMO_ROLE = "demo";
    static final List<String> SERVERS = List.of("server-a", "server-b", "server-c");
    static final String DATABASE = "baton";
    private static final String DB_USER = "postgres";
    private static final String DB_PASSWORD = "postgres";
    private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);

    /** heartbeat-agent/README.md: the agent's small footprint. */
    private static final List<String> AGENT_JVM = List.of("-Xmx64m", "-Xmn8m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=32m", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=0.1", "-XX:-UsePerfData");
    /** The other services: a bounded heap and C1 only, which starts nine JVMs on a laptop noticeably faster. */
    private static final List<String> SERVICE_JVM = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    private static final List<String> KAFKA_JVM = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    private static final List<String> POSTGRES_JVM = List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private static final Duration WATCHDOG_GRACE = Duration.ofSeconds(10);
    private static final Duration INFRA_START = Duration.ofSeconds(120);
    private static final Duration SERVICE_START = Duration.ofSeconds(180);
    private static final Duration AGENTS_STOP = Duration.ofSeconds(30);
    private static final Duration SERVICES_STOP = Duration.ofSeconds(20);
    private static final Duration INFRA_STOP = Duration.ofSeconds(30);

    private final Path root;
    private final Path home;
    private final Path cwd;
    private final Ports ports;
    private final String marker;
    private final long startedNanos = System.nanoTime();
    private final List<Child> children = new ArrayList<>();
    private boolean stopping;
    private String token;

    LocalRun(Path root, Path home, Path cwd, Ports ports) {
        this.root = root;
        this.home = home;
        this.cwd = cwd;
        this.ports = ports;
        // On the command line of every process of this run: how a later start or the test finds leftovers.
        this.marker = "-Dbaton.home=" + home;
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "up" : args[0];
        if (args.length > 1 || List.of("help", "-h", "--help").contains(command)) {
            usage();
            System.exit(args.length > 1 ? 2 : 0);
        }
        LocalRun run;
        try {
            Path cwd = Path.of("").toAbsolutePath();
            Path root = Path.of(System.getProperty("baton.root", cwd.toString())).toAbsolutePath().normalize();
            String homeEnv = System.getenv("BATON_HOME");
            Path home = homeEnv == null || homeEnv.isBlank() ? root.resolve(".baton")
                    : cwd.resolve(homeEnv.strip()).toAbsolutePath().normalize();
            Ports ports = Ports.withOffset(Ports.parseOffset(System.getenv("BATON_PORT_OFFSET")));
            run = new LocalRun(root, home, cwd, ports);
        } catch (IllegalArgumentException e) {
            LOG.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        int exit = switch (command) {
            case "up" -> run.up();
            case "down" -> run.down();
            case "status" -> run.status();
            default -> {
                usage();
                yield 2;
            }
        };
        System.exit(exit);
    }

    private static void usage() {
        System.out.println(String.join("\n",
                "usage: ./baton [up|down|status]",
                "  up      build what is missing or stale, start Kafka, PostgreSQL and every Baton service as separate",
                "          processes, create the demo role, print what to try; Ctrl-C (or SIGTERM) stops everything",
                "  down    stop the run that ./baton up started (from another terminal, or one run in the background)",
                "  status  the processes of the run and whether they are alive",
                "environment: BATON_HOME (state directory, default .baton), BATON_PORT_OFFSET (shift every port),",
                "             BATON_BUILD=never (the script does not build; fails when a jar is missing)"));
    }

    // ---------------------------------------------------------------------------------------------------- up

    int up() {
        if (!Procs.isLinux()) {
            LOG.error("The local run needs Linux (/proc, setsid); use docker compose elsewhere");
            return 1;
        }
        try {
            for (String dir : List.of("logs", "pids", "kafka", "agents")) {
                Files.createDirectories(home.resolve(dir));
            }
            refuseWhenActive();
            sweepLeftovers();
            checkPortsFree();
            checkJars();
            token = token();
            Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "baton-stop"));
            Files.writeString(pidFile("launcher"), ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
            LOG.info("Starting the local run in {} (ports {})", display(home), portSummary());

            Child kafka = start("kafka", javaMain(KAFKA_JVM, KafkaServerMain.class, home.resolve("kafka").toString(),
                    Integer.toString(ports.kafka()), Integer.toString(ports.kafkaController())), Map.of());
            Child postgres = start("postgres", javaMain(POSTGRES_JVM, PostgresServerMain.class,
                    home.resolve("postgres").toString(), Integer.toString(ports.postgres()), DATABASE), Map.of());
            awaitMarker(kafka, INFRA_START);
            awaitMarker(postgres, INFRA_START);

            Map<Child, Integer> http = new LinkedHashMap<>();
            http.put(start("placement-1", javaJar(SERVICE_JVM, "placement-service"), placementEnv("placement-1",
                    ports.placement1())), ports.placement1());
            http.put(start("placement-2", javaJar(SERVICE_JVM, "placement-service"), placementEnv("placement-2",
                    ports.placement2())), ports.placement2());
            http.put(start("audit", javaJar(SERVICE_JVM, "audit-service"), auditEnv()), ports.audit());
            http.put(start("gateway", javaJar(SERVICE_JVM, "proxy-gateway"), gatewayEnv()), ports.gateway());
            int[] agentPorts = {ports.agentA(), ports.agentB(), ports.agentC()};
            for (int i = 0; i < SERVERS.size(); i++) {
                http.put(start(SERVERS.get(i), javaJar(AGENT_JVM, "heartbeat-agent"), agentEnv(SERVERS.get(i),
                        agentPorts[i])), agentPorts[i]);
            }
            List<Child> services = new ArrayList<>(http.keySet());
            Http api = new Http(token);
            for (Map.Entry<Child, Integer> service : http.entrySet()) {
                awaitLive(api, service.getKey(), service.getValue(), services);
            }
            String leader = awaitLeader(api, services);
            awaitServersUp(api, services);
            ensureDemoRole(api);
            String host = awaitDemoServing(api, services);
            banner(leader, host);
        } catch (StartupException e) {
            if (!isStopping()) {
                LOG.error("{}", e.getMessage());
            }
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (IOException | RuntimeException e) {
            if (!isStopping()) {
                LOG.error("The local run failed to start: {}", e.toString(), e);
            }
            return 1;
        }
        try {
            // Runs until Ctrl-C or SIGTERM: the shutdown hook stops everything.
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** A start-up problem with its one-line (or log-tail) explanation. */
    static final class StartupException extends Exception {
        StartupException(String message) {
            super(message);
        }
    }

    private void refuseWhenActive() throws StartupException {
        OptionalLong launcher = readPid(pidFile("launcher"));
        if (launcher.isPresent() && Procs.alive(launcher.getAsLong())
                && Procs.commandLine(launcher.getAsLong()).orElse("").contains(LocalRun.class.getName())) {
            throw new StartupException("A local run is already active in " + display(home) + " (launcher pid "
                    + launcher.getAsLong() + "): stop it with Ctrl-C in its terminal or ./baton down");
        }
    }

    /**
     * Kills what a previous run left behind (its launcher was {@code kill -9}ed and a watchdog has not finished yet, or
     * PostgreSQL, which runs detached from its starter): processes carrying this run's marker, and the postmaster of
     * the data directory.
     */
    private void sweepLeftovers() {
        List<Long> leftovers = new ArrayList<>(Procs.mentioning(marker));
        postmaster().ifPresent(pid -> {
            if (!leftovers.contains(pid)) {
                leftovers.add(pid);
            }
        });
        if (!leftovers.isEmpty()) {
            LOG.warn("Stopping {} process(es) a previous run left behind: {}", leftovers.size(), leftovers);
            List<Long> survivors = terminateAll(leftovers, Duration.ofSeconds(15));
            if (!survivors.isEmpty()) {
                LOG.error("Could not stop {}: check with ps", survivors);
            }
        }
        // No run is active here (checked before): pid files left are a dead run's.
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

    /** SIGTERM to each, then SIGKILL to those still alive after {@code grace}; answers those that survived both. */
    private static List<Long> terminateAll(List<Long> pids, Duration grace) {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        List<Long> alive = Procs.awaitGone(pids, grace);
        alive.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        return Procs.awaitGone(alive, Duration.ofSeconds(5));
    }

    /** The running postmaster of this run's data directory, from {@code postmaster.pid}. */
    private Optional<Long> postmaster() {
        Path pidFile = home.resolve("postgres").resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip());
            String command = Procs.commandLine(pid).orElse("");
            return Procs.alive(pid) && command.contains(home.resolve("postgres").toString())
                    ? Optional.of(pid) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private void checkPortsFree() throws StartupException {
        List<String> taken = new ArrayList<>();
        for (Map.Entry<String, Integer> use : ports.byUse().entrySet()) {
            int port = use.getValue();
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(port));
            } catch (IOException e) {
                String holder = Procs.listenerOf(port).orElse("another process");
                taken.add("port " + port + " (" + use.getKey() + ") is in use by " + holder);
            }
        }
        if (!taken.isEmpty()) {
            for (String line : taken) {
                LOG.error("{}", line);
            }
            throw new StartupException("Cannot start: " + taken.size() + " port(s) in use. Stop what holds them, or "
                    + "shift every port with BATON_PORT_OFFSET (e.g. BATON_PORT_OFFSET=1000 ./baton up)");
        }
    }

    private void checkJars() throws StartupException {
        List<String> missing = new ArrayList<>();
        for (String module : List.of("placement-service", "audit-service", "proxy-gateway", "heartbeat-agent")) {
            if (!Files.isRegularFile(jar(module))) {
                missing.add(display(jar(module)));
            }
        }
        if (!missing.isEmpty()) {
            throw new StartupException("Missing " + String.join(", ", missing) + ": build with mvn -B -ntp -q package "
                    + "-DskipTests (./baton up does it unless BATON_BUILD=never)");
        }
    }

    /** The API token: generated once, kept in {@code token} (owner-only), reused by every later run. */
    private String token() throws IOException {
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

    // ----------------------------------------------------------------------------------------- processes

    private Child start(String name, List<String> command, Map<String, String> env) throws IOException,
            StartupException {
        synchronized (this) {
            if (stopping) {
                throw new StartupException("Stopping: " + name + " not started");
            }
            Map<String, String> environment = new LinkedHashMap<>(env);
            String logLevel = System.getenv("BATON_LOG_LEVEL");
            if (logLevel != null) {
                environment.put("BATON_LOG_LEVEL", logLevel);
            }
            Child child = Child.start(name, command, environment, home, home.resolve("logs").resolve(name + ".log"),
                    pidFile(name), WATCHDOG_GRACE, this::exitedUnexpectedly);
            children.add(child);
            LOG.info("Started {} (pid {}), log {}", name, child.pid(), display(child.log()));
            return child;
        }
    }

    private void exitedUnexpectedly(Child child) {
        synchronized (this) {
            if (stopping) {
                return;
            }
        }
        LOG.warn("{} (pid {}) exited: {}; see {}", child.name(), child.pid(), child.exitDescription(),
                display(child.log()));
    }

    private List<String> javaMain(List<String> jvm, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvm);
        command.add(marker);
        command.add("-cp");
        command.add(root.resolve("launcher").resolve("target").resolve("lib") + "/*");
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    private List<String> javaJar(List<String> jvm, String module) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvm);
        command.add(marker);
        command.add("-jar");
        command.add(jar(module).toString());
        return command;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Path jar(String module) {
        return root.resolve(module).resolve("target").resolve(module + ".jar");
    }

    private Path pidFile(String name) {
        return home.resolve("pids").resolve(name);
    }

    private String dbUrl() {
        return "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/" + DATABASE;
    }

    private Map<String, String> placementEnv(String instance, int httpPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_INSTANCE_ID", instance);
        env.put("BATON_KAFKA_BOOTSTRAP_SERVERS", ports.kafkaBootstrap());
        env.put("BATON_DB_URL", dbUrl());
        env.put("BATON_DB_USER", DB_USER);
        env.put("BATON_DB_PASSWORD", DB_PASSWORD);
        env.put("BATON_HTTP_HOST", "127.0.0.1");
        env.put("BATON_HTTP_PORT", Integer.toString(httpPort));
        env.put("BATON_API_TOKEN", token);
        env.put("BATON_CONTROL_PLANE_FAILOVER", "true");
        return env;
    }

    private Map<String, String> auditEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_KAFKA_BOOTSTRAP_SERVERS", ports.kafkaBootstrap());
        env.put("BATON_DB_URL", dbUrl());
        env.put("BATON_DB_USER", DB_USER);
        env.put("BATON_DB_PASSWORD", DB_PASSWORD);
        env.put("BATON_HTTP_HOST", "127.0.0.1");
        env.put("BATON_HTTP_PORT", Integer.toString(ports.audit()));
        env.put("BATON_API_TOKEN", token);
        return env;
    }

    private Map<String, String> gatewayEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_KAFKA_BOOTSTRAP_SERVERS", ports.kafkaBootstrap());
        env.put("BATON_GATEWAY_ID", "gw-local");
        env.put("BATON_ROUTES", DEMO_ROLE + ":" + ports.demoRoute());
        env.put("BATON_LISTEN_HOST", "127.0.0.1");
        env.put("BATON_HTTP_HOST", "127.0.0.1");
        env.put("BATON_HTTP_PORT", Integer.toString(ports.gateway()));
        env.put("BATON_API_TOKEN", token);
        return env;
    }

    private Map<String, String> agentEnv(String serverId, int httpPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_SERVER_ID", serverId);
        env.put("BATON_KAFKA_BOOTSTRAP_SERVERS", ports.kafkaBootstrap());
        env.put("BATON_ADVERTISED_HOST", "127.0.0.1");
        env.put("BATON_HTTP_HOST", "127.0.0.1");
        env.put("BATON_HTTP_PORT", Integer.toString(httpPort));
        env.put("BATON_PLUGIN_WORK_DIR", home.resolve("agents").resolve(serverId).toString());
        return env;
    }

    // ------------------------------------------------------------------------------------------ readiness

    /** One look at a condition: the value once it holds, null while it does not (the reason in {@link NotYet}). */
    @FunctionalInterface
    private interface Probe<T> {
        T check() throws Exception;
    }

    /** The condition does not hold yet, and why. */
    private static final class NotYet extends Exception {
        NotYet(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Waits until {@code probe} answers, at most {@code timeout}; fails at once when one of {@code watched} exits. The
     * wait between two looks is a wait on the watched processes' exit, so a crash is reported without delay.
     */
    private <T> T await(String what, Duration timeout, List<Child> watched, Probe<T> probe)
            throws StartupException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        CompletableFuture<Object> anyExit = watched.isEmpty() ? new CompletableFuture<>()
                : CompletableFuture.anyOf(watched.stream().map(Child::onExit).toArray(CompletableFuture[]::new));
        while (true) {
            for (Child child : watched) {
                if (!child.alive()) {
                    throw new StartupException(child.name() + " exited (" + child.exitDescription()
                            + ") while waiting for " + what + "; last lines of " + display(child.log()) + ":\n"
                            + child.logTail(20));
                }
            }
            try {
                T value = probe.check();
                if (value != null) {
                    return value;
                }
            } catch (NotYet e) {
                last = e.getMessage();
            } catch (IOException e) {
                last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e.toString();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new StartupException(what + " not within " + timeout.toSeconds() + " s (last: " + last
                        + "); logs in " + display(home.resolve("logs")));
            }
            try {
                anyExit.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // nobody exited: look again
            }
        }
    }

    /** Waits for the ready line a broker or PostgreSQL process prints (looking only at what this run wrote). */
    private void awaitMarker(Child child, Duration timeout) throws StartupException, InterruptedException {
        String found = await(child.name() + " to be ready", timeout, List.of(child), () -> {
            String text = readFrom(child.log(), child.logStart());
            int at = text.indexOf(READY_MARKER);
            if (at < 0) {
                throw new NotYet("no ready line in " + display(child.log()) + " yet");
            }
            int end = text.indexOf('\n', at);
            return text.substring(at + READY_MARKER.length(), end < 0 ? text.length() : end).strip();
        });
        LOG.info("{} ready ({}) {} s after its start", child.name(), found, child.secondsSinceStart());
    }

    private static String readFrom(Path file, long offset) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.min(offset, in.length());
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private void awaitLive(Http http, Child child, int port, List<Child> watched)
            throws StartupException, InterruptedException {
        String url = "http://127.0.0.1:" + port + "/health/live";
        await(child.name() + " to answer " + url, SERVICE_START, watched, () -> {
            Http.Answer answer = http.get(url);
            if (answer.status() != 200) {
                throw new NotYet("HTTP " + answer.status());
            }
            return Boolean.TRUE;
        });
        LOG.info("{} live on http://127.0.0.1:{} ({} s after its start)", child.name(), port,
                child.secondsSinceStart());
    }

    /** Both placement instances ready and agreeing on a leader; answers the leader's id. */
    private String awaitLeader(Http api, List<Child> watched) throws StartupException, InterruptedException {
        String leader = await("a placement leader", SERVICE_START, watched, () -> {
            String agreed = null;
            for (int port : List.of(ports.placement1(), ports.placement2())) {
                Http.Answer answer = api.get("http://127.0.0.1:" + port + "/health/ready");
                JsonNode ready = answer.json();
                String leaderId = ready.path("leaderId").asText("none");
                if (answer.status() != 200 || "none".equals(leaderId)) {
                    throw new NotYet("placement on port " + port + " not ready: " + answer.body());
                }
                if (agreed != null && !agreed.equals(leaderId)) {
                    throw new NotYet("the instances disagree on the leader: " + agreed + " and " + leaderId);
                }
                agreed = leaderId;
            }
            return agreed;
        });
        LOG.info("Placement leader: {}", leader);
        return leader;
    }

    private void awaitServersUp(Http api, List<Child> watched) throws StartupException, InterruptedException {
        String url = placementApi() + "/servers";
        await("servers " + String.join(", ", SERVERS) + " to register and be UP", SERVICE_START, watched, () -> {
            Http.Answer answer = api.get(url);
            if (answer.status() != 200) {
                throw new NotYet("GET " + url + ": HTTP " + answer.status() + " " + answer.body());
            }
            Map<String, String> states = new LinkedHashMap<>();
            for (JsonNode server : answer.json().path("servers")) {
                states.put(server.path("serverId").asText(), server.path("state").asText());
            }
            for (String server : SERVERS) {
                if (!"UP".equals(states.get(server))) {
                    throw new NotYet("servers: " + states);
                }
            }
            return Boolean.TRUE;
        });
        LOG.info("Servers {} registered and UP", SERVERS);
    }

    /** Creates the demo role on the sample plugin unless a previous run did; an existing role is left as it is. */
    private void ensureDemoRole(Http api) throws StartupException, IOException, InterruptedException {
        String url = placementApi() + "/roles";
        Http.Answer existing = api.get(url + "/" + DEMO_ROLE);
        if (existing.status() == 200) {
            LOG.info("Role {} exists (version {}, servers {}); left as it is", DEMO_ROLE,
                    existing.json().path("version").asLong(), existing.json().path("servers"));
            return;
        }
        if (existing.status() != 404) {
            throw new StartupException("GET " + url + "/" + DEMO_ROLE + " answered HTTP " + existing.status() + ": "
                    + existing.body());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("roleId", DEMO_ROLE);
        body.put("servers", SERVERS);
        body.put("plugin", Map.of("kind", "sample"));
        Http.Answer created = api.post(url, body);
        if (created.status() == 201) {
            LOG.info("Role {} created on the sample plugin with servers {}", DEMO_ROLE, SERVERS);
        } else if (created.status() == 409) {
            LOG.info("Role {} was created meanwhile; left as it is", DEMO_ROLE);
        } else {
            throw new StartupException("Creating role " + DEMO_ROLE + " failed: HTTP " + created.status() + " "
                    + created.body());
        }
    }

    /**
     * Waits until the demo role runs and a client gets an answer through the gateway; answers the server that
     * answered.
     */
    private String awaitDemoServing(Http api, List<Child> watched) throws StartupException, InterruptedException {
        String host = await("role " + DEMO_ROLE + " to answer through the gateway on 127.0.0.1:" + ports.demoRoute(),
                SERVICE_START, watched, () -> {
                    Http.Answer role = api.get(placementApi() + "/roles/" + DEMO_ROLE);
                    String hosting = role.json().path("hostingServer").asText("");
                    if (hosting.isEmpty()) {
                        throw new NotYet("role " + DEMO_ROLE + " not placed yet: " + role.body());
                    }
                    return askThroughGateway();
                });
        LOG.info("Role {} runs on {} and answers through the gateway", DEMO_ROLE, host);
        return host;
    }

    /** Sends one line through the gateway's demo port; the sample plugin answers {@code <serverId> <line>}. */
    private String askThroughGateway() throws IOException, NotYet {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", ports.demoRoute()), 1000);
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            out.write("ping\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || !line.endsWith(" ping")) {
                throw new NotYet("the gateway answered " + (line == null ? "nothing (closed)" : "'" + line + "'"));
            }
            return line.substring(0, line.length() - " ping".length());
        } catch (java.net.SocketTimeoutException e) {
            throw new NotYet("no answer through the gateway within 3 s");
        }
    }

    private String placementApi() {
        return "http://127.0.0.1:" + ports.placement1() + "/api/v1";
    }

    // --------------------------------------------------------------------------------------------- banner

    private void banner(String leader, String host) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        String cli = "java -jar " + display(root.resolve("cli").resolve("target").resolve("baton.jar"));
        String lib = display(root.resolve("launcher").resolve("target").resolve("lib")) + "/*";
        String pids = display(home.resolve("pids"));
        boolean defaults = ports.kafka() == Ports.DEFAULT_KAFKA;
        List<String> out = new ArrayList<>();
        out.add("");
        out.add("Processes (pid files in " + pids + "/, output in " + display(home.resolve("logs")) + "/<name>.log):");
        for (Child child : snapshot()) {
            out.add(String.format(Locale.ROOT, "  %-12s pid %-7d %s", child.name(), child.pid(), describe(child,
                    leader)));
        }
        out.add("");
        out.add("Role " + DEMO_ROLE + " (sample plugin, servers " + String.join(", ", SERVERS) + ") runs on " + host
                + ". Talk to it through the gateway; each line comes back prefixed with the server that answered:");
        out.add("  nc 127.0.0.1 " + ports.demoRoute() + "            (or: telnet 127.0.0.1 " + ports.demoRoute() + ")");
        out.add("");
        out.add("API token: " + token + "   (stored in " + display(home.resolve("token")) + ", reused by every run)");
        out.add("  placement API  http://127.0.0.1:" + ports.placement1() + "/api/v1 and http://127.0.0.1:"
                + ports.placement2() + "/api/v1   (contract: /api/v1/openapi.yaml)");
        out.add("  audit API      http://127.0.0.1:" + ports.audit() + "/api/v1   (events, roles/<id>/history, "
                + "failovers)");
        out.add("  gateway API    http://127.0.0.1:" + ports.gateway() + "/api/v1/routes");
        out.add("  health         http://127.0.0.1:<port>/health/live, /health/ready, /metrics on every service");
        out.add("  export BATON_API_TOKEN=$(cat " + display(home.resolve("token")) + ")");
        out.add("  curl -H \"Authorization: Bearer $BATON_API_TOKEN\" http://127.0.0.1:" + ports.placement1()
                + "/api/v1/roles");
        out.add("");
        out.add("CLI (reads BATON_API_TOKEN):");
        if (!defaults) {
            out.add("  export BATON_API_URL=http://127.0.0.1:" + ports.placement1() + " BATON_AUDIT_URL=http://127.0.0.1:"
                    + ports.audit() + " BATON_KAFKA_BOOTSTRAP_SERVERS=" + ports.kafkaBootstrap());
        }
        out.add("  " + cli + " --token " + token + " roles list");
        out.add("  " + cli + " roles show " + DEMO_ROLE);
        out.add("  " + cli + " audit failovers");
        out.add("");
        out.add("Events on Kafka (" + ports.kafkaBootstrap() + "):");
        out.add("  kcat -b " + ports.kafkaBootstrap() + " -C -t baton.role-events -f '%k %s\\n'");
        out.add("  java -cp '" + lib + "' org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "
                + ports.kafkaBootstrap() + " --topic baton.role-events --from-beginning");
        out.add("");
        out.add("PostgreSQL (placement schema, audit tables):");
        out.add("  psql postgresql://" + DB_USER + ":" + DB_PASSWORD + "@127.0.0.1:" + ports.postgres() + "/" + DATABASE);
        out.add("");
        out.add("Watch a failover: kill the host of " + DEMO_ROLE + ", then look where it went and how long it took:");
        out.add("  kill -9 $(cat " + pids + "/" + host + ")");
        out.add("  " + cli + " roles show " + DEMO_ROLE);
        out.add("  " + cli + " audit failovers --role " + DEMO_ROLE);
        out.add("");
        out.add("Stop everything: Ctrl-C here, or ./baton down from another terminal.");
        out.add(String.format(Locale.ROOT, "%s in %.1f s", READY_LINE, seconds));
        System.out.println(String.join("\n", out));
        System.out.flush();
    }

    private String describe(Child child, String leader) {
        return switch (child.name()) {
            case "kafka" -> "kafka " + ports.kafkaBootstrap() + " (KRaft, data in " + display(home.resolve("kafka"))
                    + ")";
            case "postgres" -> "postgresql 127.0.0.1:" + ports.postgres() + ", database " + DATABASE + " (data in "
                    + display(home.resolve("postgres")) + ")";
            case "placement-1" -> "http://127.0.0.1:" + ports.placement1() + (leader.equals("placement-1")
                    ? " (leader)" : " (standby)");
            case "placement-2" -> "http://127.0.0.1:" + ports.placement2() + (leader.equals("placement-2")
                    ? " (leader)" : " (standby)");
            case "audit" -> "http://127.0.0.1:" + ports.audit();
            case "gateway" -> "http://127.0.0.1:" + ports.gateway() + ", role " + DEMO_ROLE + " on 127.0.0.1:"
                    + ports.demoRoute();
            default -> "http://127.0.0.1:" + switch (child.name()) {
                case "server-a" -> ports.agentA();
                case "server-b" -> ports.agentB();
                default -> ports.agentC();
            } + " (heartbeat-agent)";
        };
    }

    private String portSummary() {
        return ports.kafka() == Ports.DEFAULT_KAFKA ? "the defaults" : "shifted by BATON_PORT_OFFSET, Kafka on "
                + ports.kafka();
    }

    /** {@code path} relative to where the user runs the command when it is below it, otherwise absolute. */
    String display(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(cwd) && !absolute.equals(cwd) ? cwd.relativize(absolute).toString()
                : absolute.toString();
    }

    /** Whether the shutdown hook runs: a start-up step failing now is a consequence, not a problem to report. */
    private synchronized boolean isStopping() {
        return stopping;
    }

    private synchronized List<Child> snapshot() {
        return List.copyOf(children);
    }

    // ---------------------------------------------------------------------------------------------- stop

    /** The shutdown hook: agents first (their planned leave), then the services, then PostgreSQL and Kafka. */
    void stopAll() {
        List<Child> all;
        synchronized (this) {
            stopping = true;
            all = List.copyOf(children);
        }
        long started = System.nanoTime();
        if (!all.isEmpty()) {
            LOG.info("Stopping the local run: agents first (planned leave), then the services, then PostgreSQL and "
                    + "Kafka");
        }
        stopStage(all.stream().filter(c -> SERVERS.contains(c.name())).toList(), AGENTS_STOP);
        stopStage(all.stream().filter(c -> !SERVERS.contains(c.name()) && !isInfra(c)).toList(), SERVICES_STOP);
        stopStage(all.stream().filter(LocalRun::isInfra).toList(), INFRA_STOP);
        for (Child child : all) {
            child.release();
        }
        postmaster().ifPresent(pid -> {
            LOG.warn("PostgreSQL (pid {}) outlived its process; stopping it", pid);
            terminateAll(List.of(pid), Duration.ofSeconds(15));
        });
        List<Long> left = Procs.mentioning(marker);
        List<Long> survivors = List.of();
        if (!left.isEmpty()) {
            LOG.warn("Killing {} leftover process(es): {}", left.size(), left);
            survivors = terminateAll(left, Duration.ZERO);
        }
        try {
            Files.deleteIfExists(pidFile("launcher"));
        } catch (IOException e) {
            // swept at the next start
        }
        if (!survivors.isEmpty()) {
            LOG.error("Local run stopped, but {} survived SIGKILL: check with ps", survivors);
        } else if (!all.isEmpty()) {
            LOG.info("Local run stopped in {} ms; no process left", (System.nanoTime() - started) / 1_000_000);
        }
    }

    private static boolean isInfra(Child child) {
        return child.name().equals("kafka") || child.name().equals("postgres");
    }

    private void stopStage(List<Child> stage, Duration timeout) {
        if (stage.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        List<Child> running = new ArrayList<>();
        for (Child child : stage) {
            if (child.alive()) {
                running.add(child);
                child.terminate();
            } else {
                LOG.info("{} had already exited ({})", child.name(), child.exitDescription());
            }
        }
        long deadline = started + timeout.toNanos();
        for (Child child : running) {
            try {
                child.awaitExit(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                LOG.info("{} stopped ({} ms)", child.name(), (System.nanoTime() - started) / 1_000_000);
            } catch (TimeoutException e) {
                LOG.warn("{} did not stop within {} s; killed", child.name(), timeout.toSeconds());
                child.release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                child.release();
            }
        }
    }

    // ------------------------------------------------------------------------------------ down and status

    int down() {
        OptionalLong launcher = readPid(pidFile("launcher"));
        if (launcher.isPresent() && Procs.alive(launcher.getAsLong())
                && Procs.commandLine(launcher.getAsLong()).orElse("").contains(LocalRun.class.getName())) {
            long pid = launcher.getAsLong();
            LOG.info("Stopping the local run in {} (launcher pid {})", display(home), pid);
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isPresent()) {
                handle.get().destroy();
                try {
                    handle.get().onExit().get(AGENTS_STOP.plus(SERVICES_STOP).plus(INFRA_STOP).plusSeconds(30)
                            .toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    LOG.error("The launcher (pid {}) did not stop in time; killing what is left", pid);
                    handle.get().destroyForcibly();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 130;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            }
        } else {
            LOG.info("No local run is active in {}", display(home));
        }
        sweepLeftovers();
        LOG.info("Stopped");
        return 0;
    }

    int status() {
        Path pids = home.resolve("pids");
        if (!Files.isDirectory(pids)) {
            System.out.println("No local run in " + display(home));
            return 1;
        }
        List<String> lines = new ArrayList<>();
        boolean launcherAlive = false;
        try (Stream<Path> files = Files.list(pids)) {
            for (Path file : files.sorted().toList()) {
                OptionalLong pid = readPid(file);
                boolean alive = pid.isPresent() && Procs.alive(pid.getAsLong())
                        && Procs.commandLine(pid.getAsLong()).orElse("").contains(
                                file.getFileName().toString().equals("launcher") ? LocalRun.class.getName() : marker);
                launcherAlive |= alive && file.getFileName().toString().equals("launcher");
                lines.add(String.format(Locale.ROOT, "  %-12s pid %-7s %s", file.getFileName(),
                        pid.isPresent() ? Long.toString(pid.getAsLong()) : "?", alive ? "running" : "not running"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println((launcherAlive ? "Local run active" : "No local run active") + " in " + display(home)
                + (lines.isEmpty() ? "" : ":"));
        lines.forEach(System.out::println);
        return launcherAlive ? 0 : 1;
    }

    private static OptionalLong readPid(Path file) {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
