package dev.baton.launcher;

import dev.baton.launcher.StartupWaits.StartupException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
    private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);
    private static final Duration WATCHDOG_GRACE = Duration.ofSeconds(10);

    private final Path root;
    private final RunFiles files;
    private final Ports ports;
    private final boolean defaultHome;
    private final String marker;
    private final ServiceSpecs specs;
    private final StagedShutdown shutdown;
    private final long startedNanos = System.nanoTime();
    private final List<Child> children = new ArrayList<>();
    private boolean stopping;

    LocalRun(Path root, Path home, Path cwd, Ports ports, Map<String, String> env) {
        this.root = root;
        this.files = new RunFiles(home, cwd);
        this.ports = ports;
        this.defaultHome = home.equals(root.resolve(".baton"));
        // On the command line of every process of this run: how a later start or the test finds leftovers.
        this.marker = "-Dbaton.home=" + home;
        this.specs = new ServiceSpecs(root, home, ports, marker, env);
        this.shutdown = new StagedShutdown(files, marker);
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
            run = new LocalRun(root, home, cwd, ports, System.getenv());
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
                "             BATON_BUILD=never (the script does not build; fails when a jar is missing),",
                "             BATON_POSTGRES_CACHE (where PostgreSQL's binaries are unpacked, default ~/.cache/baton)"));
    }

    // ---------------------------------------------------------------------------------------------------- up

    /** The script of a start: prepare, start the infrastructure, start the services, wait, create the demo role. */
    int up() {
        if (!Procs.isLinux()) {
            LOG.error("The local run needs Linux (/proc, setsid); use docker compose elsewhere");
            return 1;
        }
        try {
            String token = prepare();
            Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "baton-stop"));
            LOG.info("Starting the local run in {} (ports {})", files.display(files.home()), portSummary());
            Http api = new Http(token);
            StartupWaits waits = new StartupWaits(files, ports, api);

            startInfrastructure(waits);
            Map<Child, Integer> services = startServices(token);
            List<Child> watched = new ArrayList<>(services.keySet());
            for (Map.Entry<Child, Integer> service : services.entrySet()) {
                waits.live(service.getKey(), service.getValue(), watched);
            }
            String leader = waits.leader(watched);
            waits.serversUp(SERVERS, watched);
            DemoRole demo = new DemoRole(ports, api, waits);
            demo.ensure();
            String host = demo.awaitServing(watched);
            files.writeCliEnv(ports);
            printBanner(leader, host, token);
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
                LOG.error("The local run failed to start: {} — logs: {} — try: ./baton down, then ./baton up again",
                        e.toString(), files.display(files.logs()), e);
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

    /** Checks that nothing is in the way and answers the API token. */
    private String prepare() throws IOException, StartupException {
        files.createLayout();
        refuseWhenActive();
        shutdown.sweepLeftovers();
        checkPortsFree();
        checkJars();
        String token = files.token();
        Files.writeString(files.pidFile("launcher"), ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        return token;
    }

    private void startInfrastructure(StartupWaits waits) throws IOException, StartupException,
            InterruptedException {
        Child kafka = start(specs.kafka());
        Child postgres = start(specs.postgres());
        waits.marker(kafka);
        waits.marker(postgres);
    }

    /** Starts the services and the agents; answers each with its HTTP port. */
    private Map<Child, Integer> startServices(String token) throws IOException, StartupException {
        Map<Child, Integer> http = new LinkedHashMap<>();
        http.put(start(specs.placement("placement-1", ports.placement1(), token)), ports.placement1());
        http.put(start(specs.placement("placement-2", ports.placement2(), token)), ports.placement2());
        http.put(start(specs.audit(token)), ports.audit());
        http.put(start(specs.gateway(token)), ports.gateway());
        int[] agentPorts = {ports.agentA(), ports.agentB(), ports.agentC()};
        for (int i = 0; i < SERVERS.size(); i++) {
            http.put(start(specs.agent(SERVERS.get(i), agentPorts[i])), agentPorts[i]);
        }
        return http;
    }

    private void printBanner(String leader, String host, String token) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        List<String> lines = new Banner(root, files, ports, defaultHome).lines(snapshot(), leader, host, token,
                seconds);
        System.out.println(String.join("\n", lines));
        System.out.flush();
    }

    private void refuseWhenActive() throws StartupException {
        OptionalLong launcher = RunFiles.readPid(files.pidFile("launcher"));
        if (launcher.isPresent() && Procs.alive(launcher.getAsLong())
                && Procs.commandLine(launcher.getAsLong()).orElse("").contains(LocalRun.class.getName())) {
            throw new StartupException("A local run is already active in " + files.display(files.home())
                    + " (launcher pid " + launcher.getAsLong() + "): stop it with Ctrl-C in its terminal or "
                    + "./baton down");
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
            if (!Files.isRegularFile(specs.jar(module))) {
                missing.add(files.display(specs.jar(module)));
            }
        }
        if (!missing.isEmpty()) {
            throw new StartupException("Missing " + String.join(", ", missing) + ": build with mvn -B -ntp -q package "
                    + "-DskipTests (./baton up does it unless BATON_BUILD=never)");
        }
    }

    // ----------------------------------------------------------------------------------------- processes

    private Child start(ServiceSpecs.Spec spec) throws IOException, StartupException {
        synchronized (this) {
            if (stopping) {
                throw new StartupException("Stopping: " + spec.name() + " not started");
            }
            Map<String, String> environment = new LinkedHashMap<>(spec.env());
            String logLevel = System.getenv("BATON_LOG_LEVEL");
            if (logLevel != null) {
                environment.put("BATON_LOG_LEVEL", logLevel);
            }
            Child child = Child.start(spec.name(), spec.command(), environment, files.home(),
                    files.logs().resolve(spec.name() + ".log"), files.pidFile(spec.name()), WATCHDOG_GRACE,
                    this::exitedUnexpectedly);
            children.add(child);
            LOG.info("Started {} (pid {}), log {}", spec.name(), child.pid(), files.display(child.log()));
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
                files.display(child.log()));
    }

    private String portSummary() {
        return ports.kafka() == Ports.DEFAULT_KAFKA ? "the defaults" : "shifted by BATON_PORT_OFFSET, Kafka on "
                + ports.kafka();
    }

    /** Whether the shutdown hook runs: a start-up step failing now is a consequence, not a problem to report. */
    private synchronized boolean isStopping() {
        return stopping;
    }

    private synchronized List<Child> snapshot() {
        return List.copyOf(children);
    }

    // ---------------------------------------------------------------------------------------------- stop

    /** The shutdown hook: the staged stop of every process this run started. */
    void stopAll() {
        List<Child> all;
        synchronized (this) {
            stopping = true;
            all = List.copyOf(children);
        }
        shutdown.stop(all);
        try {
            Files.deleteIfExists(files.pidFile("launcher"));
            Files.deleteIfExists(files.home().resolve(RunFiles.CLI_ENV));
        } catch (IOException e) {
            // swept at the next start
        }
    }

    // ------------------------------------------------------------------------------------ down and status

    int down() {
        OptionalLong launcher = RunFiles.readPid(files.pidFile("launcher"));
        if (launcher.isPresent() && Procs.alive(launcher.getAsLong())
                && Procs.commandLine(launcher.getAsLong()).orElse("").contains(LocalRun.class.getName())) {
            long pid = launcher.getAsLong();
            LOG.info("Stopping the local run in {} (launcher pid {})", files.display(files.home()), pid);
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isPresent()) {
                handle.get().destroy();
                try {
                    handle.get().onExit().get(StagedShutdown.AGENTS_STOP.plus(StagedShutdown.SERVICES_STOP)
                            .plus(StagedShutdown.INFRA_STOP).plusSeconds(30)
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
            LOG.info("No local run is active in {}", files.display(files.home()));
        }
        shutdown.sweepLeftovers();
        LOG.info("Stopped");
        return 0;
    }

    int status() {
        Path pids = files.home().resolve("pids");
        if (!Files.isDirectory(pids)) {
            System.out.println("No local run in " + files.display(files.home()));
            return 1;
        }
        List<String> lines = new ArrayList<>();
        boolean launcherAlive = false;
        try (Stream<Path> files = Files.list(pids)) {
            for (Path file : files.sorted().toList()) {
                OptionalLong pid = RunFiles.readPid(file);
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
        System.out.println((launcherAlive ? "Local run active" : "No local run active") + " in " + files.display(files.home())
                + (lines.isEmpty() ? "" : ":"));
        lines.forEach(System.out::println);
        return launcherAlive ? 0 : 1;
    }
}
