package dev.baton.bench;

import dev.baton.bench.GatewayMoveRun.Result;
import dev.baton.bench.GatewayMoveRun.Scenario;
import dev.baton.testkit.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A request/response client under load through the gateway across moves of its role (issue 13, item 7):
 * {@code redis-benchmark} with many pipelined connections across a {@code kill -9} of the host (in-flight policy
 * {@code close}, then {@code replay}) and across planned moves (maintenance, failback). Counts hung connections, failed requests, the
 * longest request and the drain time.
 */
@Command(name = "gateway-moves", mixinStandardHelpOptions = true,
        description = "A pipelined redis-benchmark through the gateway across kill -9 and maintenance moves.")
public final class GatewayMovesBench implements Callable<Integer> {
    private static final String TOKEN = "bench-gateway-moves-token-0123";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final String ROLE_PREFIX = "moves-";

    /** The client's load, and the bound past which a run that has not ended counts as hung. */
    record Load(int connections, int requests, int pipeline, Duration hang) {
    }

    @Mixin
    BenchOptions options;

    @Option(names = "--runs", defaultValue = "3",
            description = "Runs per scenario (default ${DEFAULT-VALUE}; 1 with --quick).")
    int runs;

    @Option(names = "--connections", defaultValue = "20",
            description = "redis-benchmark -c (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--pipeline", defaultValue = "16", description = "redis-benchmark -P (default ${DEFAULT-VALUE}).")
    int pipeline;

    @Option(names = "--requests", defaultValue = "600000",
            description = "redis-benchmark -n, per test (SET, GET) (default ${DEFAULT-VALUE}; 200000 with --quick).")
    int requests;

    @Override
    public Integer call() throws Exception {
        ToolProcess.require("redis-server", "redis-server");
        ToolProcess.require("redis-benchmark", "redis-tools");
        boolean quick = options.quick();
        int runCount = quick ? 1 : runs;
        Load load = new Load(connections, quick ? 200_000 : requests, pipeline, Duration.ofSeconds(60));
        Path work = options.workDir("gateway-moves");
        System.err.println("gateway-moves: run directory " + work);
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Scenario scenario : Scenario.values()) {
            for (int run = 1; run <= runCount; run++) {
                ports.put(role(scenario, run), FreePorts.next());
            }
        }
        int httpPort = FreePorts.next();
        List<Result> results = new ArrayList<>();
        try (Infra infra = Infra.kafka();
             ServiceProcess gateway = ServiceProcess.start("proxy-gateway", Repository.jar("proxy-gateway", work),
                     GatewayBench.GATEWAY_JVM, gatewayConfig(infra.bootstrapServers(), ports, runCount, httpPort),
                     work)) {
            gateway.awaitReady(httpPort, START_TIMEOUT);
            GatewayMetricsReader reader = new GatewayMetricsReader(httpPort, TOKEN);
            for (int run = 1; run <= runCount; run++) {
                for (Scenario scenario : Scenario.values()) {
                    String role = role(scenario, run);
                    Result result = GatewayMoveRun.run(scenario, run, role, ports.get(role), infra.bootstrapServers(),
                            reader, load, work);
                    System.err.println("gateway-moves: " + describe(result));
                    results.add(result);
                }
            }
        }
        report(quick, runCount, load, results).publish(options.docsFile());
        return 0;
    }

    private Report report(boolean quick, int runCount, Load load, List<Result> results) {
        Report report = new Report("gateway-moves", "A pipelined client across moves through the gateway",
                "bench/run gateway-moves" + (quick ? " --quick" : ""));
        report.setting("client", "redis-benchmark -c " + load.connections() + " -P " + load.pipeline() + " -n "
                        + load.requests() + " -t set,get")
                .setting("runs per scenario", runCount)
                .setting("hang bound", load.hang().toSeconds() + " s")
                .setting("gateway JVM", String.join(" ", GatewayBench.GATEWAY_JVM))
                .setting("quick", quick);
        long hung = results.stream().mapToLong(r -> r.hung() ? Math.max(1, r.hungConnections()) : 0).sum();
        report.figure("hung connections, every scenario", Long.toString(hung), "0", hung == 0);
        for (Scenario scenario : List.of(Scenario.MAINTENANCE, Scenario.FAILBACK, Scenario.KILL_REPLAY)) {
            long failed = count(results, scenario, r -> !r.clean());
            report.figure("runs with failed requests, " + scenario.label(), failed + " of " + runs(results, scenario),
                    "0", failed == 0);
            report.figure("longest request, " + scenario.label(), ms(max(results, scenario, Result::maxLatencyMs)));
        }
        for (Scenario scenario : List.of(Scenario.MAINTENANCE, Scenario.FAILBACK)) {
            report.figure("drain time (longest, RoleDraining to ProxyDrained), " + scenario.label(),
                    ms(max(results, scenario, Result::roleDrainMs)));
            report.figure("old host stopped and new one released (longest), " + scenario.label(),
                    ms(max(results, scenario, r -> r.handoverMs() < 0 ? Double.NaN : r.handoverMs())));
        }
        report.figure("kill -9 under close: the client saw the closed connection after (longest)",
                ms(max(results, Scenario.KILL_CLOSE, r -> r.hung() ? Double.NaN : r.exitAfterMoveMs())));
        report.figure("kill -9 under close: connections closed under requests, per run",
                join(results, Scenario.KILL_CLOSE, r -> Long.toString(r.outcomes().closedAwaiting())));
        List<List<String>> rows = new ArrayList<>();
        for (Result r : results) {
            rows.add(List.of(r.scenario().label(), Integer.toString(r.run()), outcome(r), ms(r.maxLatencyMs()),
                    Long.toString(r.outcomes().idle()), Long.toString(r.outcomes().drained()),
                    Long.toString(r.outcomes().replayed()), Long.toString(r.outcomes().closedAwaiting()),
                    r.outcomes().drained() == 0 ? "–" : ms(r.outcomes().drainMaxMs()), ms(r.roleDrainMs())));
        }
        report.table(List.of("move, policy", "run", "client", "longest request", "idle", "drained", "replayed",
                "closed awaiting", "longest drain", "role drained in"), rows);
        report.paragraph("""
                Debian's `redis-benchmark` (`-c %d -P %d`: each connection sends %d requests, then waits for their
                answers) through the gateway (its own JVM, epoll) to a role whose hosts are two `redis-server`
                processes; a third of the way into the SET test the role moves from the first to the second. The
                moves are published the way the placement and the agents publish them (RoleMoved, RoleAssignment,
                the new host's RUNNING with its endpoint) on a real broker, at once: failure detection is not part of
                this measure (`failover` measures it). **kill -9**: the first redis-server is killed with SIGKILL, then
                the move (reason FAILOVER) is published. **maintenance** and **failback** are planned moves, carried
                out as the placement and the agents do (docs/architecture.md, "Planned moves"): RoleDraining at epoch
                1; once the gateway reported the role drained (its `baton_gateway_role_drain_duration_seconds`: "role
                drained in"), the move (RoleMoved, RoleAssignment naming the old host in handoverFrom); the first
                redis-server stopped with SIGTERM and awaited (break); then its STOPPED, the release (the assignment
                again without handoverFrom) and the second's RUNNING (make). The second never serves while the first
                runs.
                A run that has not ended %d s after the move counts as hung, with the role's connections still open
                at the gateway. The counts per outcome are the gateway's (`baton_gateway_upstream_losses_total`), the
                longest drain its `baton_gateway_drain_duration_seconds_max`, the longest request redis-benchmark's
                max latency over both tests (– when it stopped at an error). redis-benchmark stops at its first
                connection error, so under `close` a kill ends the run at once: that is the client seeing the closed
                connection its own retry would handle, not a hang. Measured on a shared machine: another engineer's
                builds ran on the same 2 cores during the run, so times are upper bounds.
                """.formatted(load.connections(), load.pipeline(), load.pipeline(), load.hang().toSeconds()));
        return report;
    }

    private static Map<String, String> gatewayConfig(String bootstrap, Map<String, Integer> ports, int runCount,
            int httpPort) {
        List<String> routes = new ArrayList<>();
        List<String> policies = new ArrayList<>();
        for (Scenario scenario : Scenario.values()) {
            for (int run = 1; run <= runCount; run++) {
                routes.add(role(scenario, run) + ":" + ports.get(role(scenario, run)));
                policies.add(role(scenario, run) + ":" + scenario.policy());
            }
        }
        Map<String, String> config = GatewayBench.gatewayConfig(bootstrap, "gw-bench-moves", String.join(",", routes),
                httpPort, TOKEN);
        config.put("inflight.policy.roles", String.join(",", policies));
        return config;
    }

    private static String role(Scenario scenario, int run) {
        return slug(scenario) + "-" + run;
    }

    private static String slug(Scenario scenario) {
        return ROLE_PREFIX + scenario.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String outcome(Result r) {
        if (r.hung()) {
            return "hung (" + r.hungConnections() + " connections open)";
        }
        return r.clean() ? "completed" : "exit " + r.exitCode() + " after " + r.exitAfterMoveMs() + " ms: " + r.error();
    }

    private static String describe(Result r) {
        return r.scenario().label() + " #" + r.run() + ": " + outcome(r) + ", longest request " + ms(r.maxLatencyMs())
                + ", " + r.outcomes();
    }

    private static long count(List<Result> results, Scenario scenario, Predicate<Result> match) {
        return results.stream().filter(r -> r.scenario() == scenario).filter(match).count();
    }

    private static long runs(List<Result> results, Scenario scenario) {
        return count(results, scenario, r -> true);
    }

    private static double max(List<Result> results, Scenario scenario, ToDoubleFunction<Result> value) {
        return results.stream().filter(r -> r.scenario() == scenario).mapToDouble(value)
                .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    }

    private static String join(List<Result> results, Scenario scenario, Function<Result, String> f) {
        return String.join(", ", results.stream().filter(r -> r.scenario() == scenario).map(f).toList());
    }

    static String ms(double millis) {
        return Double.isNaN(millis) ? "–" : String.format(Locale.ROOT, "%.0f ms", millis);
    }
}
