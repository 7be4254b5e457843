package dev.baton.faults;

import dev.baton.faults.check.Checker;
import dev.baton.faults.check.History;
import dev.baton.faults.check.History.RoleEnd;
import dev.baton.faults.check.History.ScenarioWindow;
import dev.baton.faults.check.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One fault-injection run: the cluster started, the roles created, the client load started, the scenarios run one
 * after another (each followed by a recovery wait), then the history read and checked. The seed decides the order of
 * the scenarios and every target they pick, so a run is replayed with the same seed.
 */
final class FaultRun {
    /** The bounded profile's scenarios: every kind of fault at least once, every service killed once. */
    static final List<String> CI_PLAN = List.of(
            "kill-agent-host", "kill-agent-idle", "kill-placement-leader", "kill-placement-standby", "kill-audit",
            "kill-gateway", "kill-broker", "kill-postgres",
            "pause-short-agent-host", "pause-long-agent-idle", "pause-short-server-host",
            "pause-short-placement-leader", "pause-long-placement-standby", "pause-long-audit", "pause-long-gateway",
            "pause-short-broker", "pause-long-broker", "pause-long-postgres",
            "kill-audit-during-postgres-pause", "cut-agent-host", "cut-broker-long", "flap-server", "maintenance-idle", "manual-move", "failback",
            "config-change-during-fault", "poison-records", "hostile-rest");

    /**
     * @param plan the scenarios to run in a seeded order (each once), or empty to pick at random until
     *     {@code duration} has passed
     * @param includeKnown whether random picks include the scenarios marked known
     * @param settings service settings beyond the defaults, by part ({@code agent}, {@code placement}, {@code audit},
     *     {@code gateway}) and key
     */
    record Options(Path runDir, Profile profile, long seed, List<String> plan, Duration duration, boolean includeKnown,
            int connectionsPerRole, Map<String, Map<String, String>> settings) {
    }

    record Result(Verdict verdict, long seed, Duration took, List<String> ran) {
    }

    private FaultRun() {
    }

    static Result run(Options options, Consumer<String> log) throws InterruptedException, IOException {
        long began = System.nanoTime();
        Random random = new Random(options.seed());
        Map<String, Scenario> catalog = Scenarios.all();
        log.accept("faults: seed " + options.seed() + ", profile " + options.profile().name() + ", run in "
                + options.runDir());
        try (FaultCluster cluster = FaultCluster.start(options.runDir(), options.settings(), log)) {
            // SIGTERM or Ctrl-C of the runner takes the whole cluster down with it.
            Thread shutdown = new Thread(cluster::close, "faults-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdown);
            try {
                return runIn(cluster, options, random, catalog, began, log);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdown);
                } catch (IllegalStateException e) {
                    // shutting down already: the hook closes the cluster
                }
            }
        }
    }

    private static Result runIn(FaultCluster cluster, Options options, Random random, Map<String, Scenario> catalog,
            long began, Consumer<String> log) throws InterruptedException, IOException {
        Control control = new Control(cluster);
        control.createRoles();
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        FaultCluster.ROLES.forEach(r -> ports.put(r, cluster.rolePort(r)));
        LoadClient client = new LoadClient(ports, options.connectionsPerRole(), options.profile().deadline());
        try {
            Faults faults = new Faults(cluster, control, client, options.profile(), random);
            Recovery recovery = new Recovery(faults, client);
            recovery.await(FaultCluster.START);
            log.accept("faults: every role serves through the gateway; client load started");
            client.start();
            List<ScenarioWindow> windows = new ArrayList<>();
            List<String> ran = new ArrayList<>();
            List<String> plan = new ArrayList<>(options.plan());
            java.util.Collections.shuffle(plan, random);
            long until = System.nanoTime() + options.duration().toNanos();
            List<Scenario> pickable = catalog.values().stream()
                    .filter(s -> options.includeKnown() || !s.isKnown()).toList();
            for (int i = 0; plan.isEmpty() ? System.nanoTime() < until : i < plan.size(); i++) {
                Scenario scenario = plan.isEmpty() ? pickable.get(random.nextInt(pickable.size()))
                        : catalog.get(plan.get(i));
                if (scenario == null) {
                    throw new IllegalArgumentException("no scenario " + plan.get(i) + "; known: "
                            + catalog.keySet());
                }
                windows.add(runOne(scenario, faults, recovery, client, log));
                ran.add(scenario.name());
            }
            faults.scenario("end");
            recovery.await(options.profile().recovery());
            List<RoleEnd> ends = recovery.endStates();
            client.close();
            long endMs = System.currentTimeMillis();
            log.accept("faults: reading the history");
            HistoryCollector collector = new HistoryCollector(cluster);
            HistoryCollector.RoleEventsView roleEvents = collector.roleEvents();
            History history = new History(windows, roleEvents.states(), collector.pluginSpans(),
                    faults.agentDeaths(), collector.audit(Duration.ofSeconds(60)), client.tallies(),
                    client.hangs(), ends, faults.incidents(), roleEvents.moves(), endMs);
            Verdict verdict = Checker.check(history);
            log.accept(verdict.summary());
            return new Result(verdict, options.seed(), Duration.ofNanos(System.nanoTime() - began), ran);
        } finally {
            client.close();
        }
    }

    private static ScenarioWindow runOne(Scenario scenario, Faults faults, Recovery recovery, LoadClient client,
            Consumer<String> log) throws InterruptedException {
        faults.scenario(scenario.name());
        long start = System.currentTimeMillis();
        log.accept("faults: " + scenario.name() + " ...");
        try {
            scenario.action().inject(faults);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            faults.incident("the scenario itself failed: " + e);
        }
        boolean recovered = recovery.await(faults.profile().recovery());
        long lastFailure = client.lastFailureMs();
        long serveAgain = !recovered ? -1 : lastFailure >= start ? lastFailure - start : 0;
        long end = System.currentTimeMillis();
        log.accept("faults: " + scenario.name() + " done in " + (end - start) + " ms; "
                + (recovered ? "requests served again " + serveAgain + " ms after the fault" : "NOT RECOVERED"));
        return new ScenarioWindow(scenario.name(), start, end, serveAgain);
    }
}
