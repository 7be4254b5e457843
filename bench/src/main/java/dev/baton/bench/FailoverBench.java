package dev.baton.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.bench.FailoverClient.Reply;
import dev.baton.bench.FailoverCluster.Placement;
import dev.baton.bench.FailoverCluster.Route;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * End-to-end failover through the gateway: a client sends a line through the gateway every 10 ms on one connection;
 * each trial {@code kill -9}s the agent hosting the role and measures the time from the kill to the first answer from
 * another server, with the breakdown of the audit-service's failover timeline; then the killed agent is started again
 * (same server id) and the cluster is let settle before the next trial.
 */
@Command(name = "failover", mixinStandardHelpOptions = true, description = "End-to-end failover through the gateway.")
public final class FailoverBench implements Callable<Integer> {
    static final String NAME = "failover";
    static final String TITLE = "End-to-end failover through the gateway";
    static final int TRIALS = 30;
    static final int QUICK_TRIALS = 3;
    static final Duration REQUEST_INTERVAL = Duration.ofMillis(10);
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(20);
    private static final double TARGET_P50_MS = 500;
    private static final double TARGET_P99_MS = 1000;

    @Mixin
    BenchOptions options;

    @Mixin
    FailoverClusterOptions clusterOptions;

    @Spec
    CommandSpec spec;

    @Option(names = "--trials", description = "Failovers to measure (default: " + TRIALS + ", --quick: " + QUICK_TRIALS
            + ").")
    Integer trials;

    @Option(names = "--pause", defaultValue = "1s", converter = FailoverDurationConverter.class,
            description = "Pause between trials once the cluster has settled (default: ${DEFAULT-VALUE}).")
    Duration pause;

    /** One measured failover. */
    record Trial(int number, String from, String to, long epoch, double endToEndMs, double killCommandMs,
            Double killToDetectedMs, Double detectToDecideMs, Double decideToRunningMs, Double runningToReconnectedMs,
            Double batonTotalMs, int reconnects, int unanswered, String problem) {
        boolean answered() {
            return to != null;
        }
    }

    @Override
    public Integer call() throws Exception {
        int count = trials != null ? trials : options.quick() ? QUICK_TRIALS : TRIALS;
        if (count < 1) {
            throw new IllegalArgumentException("--trials must be at least 1");
        }
        Path work = options.workDir(NAME);
        FailoverSettings settings = clusterOptions.settings(spec.commandLine(), work);
        log("run directory " + work + "; " + count + " trials; overrides: "
                + (settings.isDefault() ? "none (every service at its defaults)" : String.join(" ", settings.given())));
        List<Trial> results = new ArrayList<>();
        Map<FailoverSettings.Service, Map<String, String>> effective;
        int reconnectsBeforeTrials;
        long startupEpoch;
        FailoverClient.Stats clientStats;
        String aborted = null;
        try (FailoverCluster cluster = FailoverCluster.start(work, settings, FailoverBench::log);
                FailoverClient client = FailoverClient.start("127.0.0.1", cluster.rolePort(), REQUEST_INTERVAL)) {
            effective = cluster.effective();
            startupEpoch = cluster.startupEpoch();
            log(FailoverReporting.describe(settings, effective));
            client.awaitReply(0, r -> true, STEP_TIMEOUT)
                    .orElseThrow(() -> new IllegalStateException("no answer through the gateway within 60 s"));
            reconnectsBeforeTrials = client.disconnects().size();
            for (int i = 1; i <= count; i++) {
                Trial trial;
                try {
                    trial = trial(i, cluster, client);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    trial = new Trial(i, "?", null, -1, Double.NaN, Double.NaN, null, null, null, null, null, 0, 0,
                            e.toString());
                }
                results.add(trial);
                log(describe(trial));
                if (!trial.answered() || trial.problem() != null) {
                    try {
                        recover(cluster, client);
                    } catch (IllegalStateException e) {
                        aborted = "trials stopped after trial " + i + ": the cluster did not recover (" + e.getMessage()
                                + ")";
                        log(aborted);
                        break;
                    }
                }
            }
            clientStats = client.stats();
        }
        Report report = report(count, settings, effective, results, clientStats, reconnectsBeforeTrials, startupEpoch, aborted);
        report.publish(options.docsFile());
        // A missed target is a result, not a failure to run (bench/run all goes on to the next benchmark).
        return 0;
    }

    private Trial trial(int number, FailoverCluster cluster, FailoverClient client) throws Exception {
        Placement before = cluster.placement();
        String victim = before.host();
        if (victim == null) {
            throw new IllegalStateException("role " + FailoverCluster.ROLE + " is not placed");
        }
        int mark = client.replyCount();
        int disconnectsBefore = client.disconnects().size();
        long seqAtKill = client.sentCount();
        FailoverCluster.Kill kill = cluster.killAgent(victim);
        Instant killWall = kill.wall();
        long killNanos = kill.nanos();
        double killCommandMs = (kill.goneNanos() - killNanos) / 1e6;
        Optional<Reply> first = client.awaitReply(mark,
                r -> !r.server().equals(victim) && r.receivedNanos() > killNanos, FAILOVER_TIMEOUT);
        if (first.isEmpty()) {
            return new Trial(number, victim, null, -1, Double.NaN, killCommandMs, null, null, null, null, null,
                    client.disconnects().size() - disconnectsBefore, 0,
                    "no answer from another server within " + FAILOVER_TIMEOUT.toSeconds() + " s");
        }
        Reply reply = first.get();
        double endToEndMs = (reply.receivedNanos() - killNanos) / 1e6;
        String newHost = reply.server();
        List<String> problems = new ArrayList<>();
        JsonNode row = null;
        try {
            // Bring the killed server back and let everything settle.
            cluster.restartAgent(victim, STEP_TIMEOUT);
            FailoverCluster.await(victim + " UP again", STEP_TIMEOUT,
                    () -> "UP".equals(cluster.serverStates().get(victim)) ? Boolean.TRUE : null);
            Placement settled = awaitServing(cluster, client);
            row = auditRow(cluster, victim, before.epoch());
            if (row == null) {
                problems.add("no failover_timeline row from " + victim + " after epoch " + before.epoch() + " within "
                        + AUDIT_TIMEOUT.toSeconds() + " s");
            } else if (!row.path("clientsReconnectedAt").isTextual()) {
                problems.add("the timeline of epoch " + row.path("epoch").asLong() + " has no reconnection");
            }
            cluster.awaitLeader(STEP_TIMEOUT);
            long moved = row == null ? -1 : row.path("epoch").asLong();
            if (!newHost.equals(settled.host()) || settled.epoch() != moved) {
                problems.add("the role moved again during the trial: first answer from " + newHost + ", failover "
                        + "epoch " + moved + ", now on " + settled.host() + " at epoch " + settled.epoch());
            }
        } catch (IllegalStateException e) {
            problems.add(e.getMessage());
        }
        List<Reply> since = client.repliesFrom(mark);
        long lastSeq = since.isEmpty() ? seqAtKill : since.get(since.size() - 1).seq();
        int unanswered = client.unanswered(Math.max(0, seqAtKill - 50), lastSeq);
        Trial trial = new Trial(number, victim, newHost, row == null ? -1 : row.path("epoch").asLong(), endToEndMs,
                killCommandMs, row == null ? null : between(killWall, row.path("serverDownDetectedAt")),
                number(row, "detectToDecideMs"), number(row, "decideToRunningMs"),
                number(row, "runningToReconnectedMs"), number(row, "totalMs"),
                client.disconnects().size() - disconnectsBefore, unanswered,
                problems.isEmpty() ? null : String.join("; ", problems));
        if (problems.isEmpty()) {
            // Pacing between trials (everything above waited on conditions).
            LockSupport.parkNanos(pause.toNanos());
        }
        return trial;
    }

    /**
     * Waits until the placement, the gateway's route and the client agree on where the role runs (whatever moves
     * happened meanwhile); answers that placement.
     */
    private static Placement awaitServing(FailoverCluster cluster, FailoverClient client) throws InterruptedException {
        Placement serving = FailoverCluster.await("the role RUNNING behind the gateway", STEP_TIMEOUT, () -> {
            Placement placement = cluster.placement();
            Route route = cluster.route();
            return placement.host() != null && route.running() && placement.host().equals(route.server())
                    && route.epoch() == placement.epoch() ? placement : null;
        });
        int mark = client.replyCount();
        client.awaitReply(mark, r -> r.server().equals(serving.host()), STEP_TIMEOUT)
                .orElseThrow(() -> new IllegalStateException("no answer from " + serving.host() + " within "
                        + STEP_TIMEOUT.toSeconds() + " s"));
        return serving;
    }

    /**
     * The audit row of the first failover from {@code from} after {@code epochBefore}, once its timeline is complete
     * (detection and reconnection); the incomplete row when it is not complete in time; null when there is none.
     */
    private static JsonNode auditRow(FailoverCluster cluster, String from, long epochBefore)
            throws InterruptedException {
        JsonNode[] seen = new JsonNode[1];
        try {
            return FailoverCluster.await("the audit row after epoch " + epochBefore, AUDIT_TIMEOUT, () -> {
                JsonNode found = null;
                for (JsonNode row : cluster.failovers()) {
                    long epoch = row.path("epoch").asLong();
                    if (epoch > epochBefore && from.equals(row.path("from").asText())
                            && (found == null || epoch < found.path("epoch").asLong())) {
                        found = row;
                    }
                }
                seen[0] = found;
                return found != null && found.path("clientsReconnectedAt").isTextual()
                        && found.path("serverDownDetectedAt").isTextual() ? found : null;
            });
        } catch (IllegalStateException e) {
            return seen[0];
        }
    }

    /** After a failed trial: every agent running again, the role RUNNING behind the gateway, the client answered. */
    private static void recover(FailoverCluster cluster, FailoverClient client) throws InterruptedException {
        for (String server : FailoverCluster.SERVERS) {
            if (!cluster.agent(server).alive()) {
                cluster.restartAgent(server, STEP_TIMEOUT);
            }
        }
        awaitServing(cluster, client);
    }

    private static Double between(Instant from, JsonNode to) {
        if (!to.isTextual()) {
            return null;
        }
        return Duration.between(from, Instant.parse(to.asText())).toNanos() / 1e6;
    }

    private static Double number(JsonNode row, String field) {
        if (row == null || !row.path(field).isNumber()) {
            return null;
        }
        return row.path(field).asDouble();
    }

    // -------------------------------------------------------------------------------------------- report

    private Report report(int count, FailoverSettings settings, Map<FailoverSettings.Service, Map<String, String>> effective,
            List<Trial> results, FailoverClient.Stats clientStats, int reconnectsBeforeTrials, long startupEpoch,
            String aborted) {
        StringBuilder command = new StringBuilder("bench/run failover");
        if (options.quick()) {
            command.append(" --quick");
        }
        if (trials != null) {
            command.append(" --trials ").append(trials);
        }
        settings.given().forEach(option -> command.append(' ').append(option));
        Report report = new Report(NAME, TITLE, command.toString());
        report.setting("trials", count);
        report.setting("request interval", REQUEST_INTERVAL.toMillis() + " ms");
        report.setting("overrides", settings.isDefault() ? "none (defaults)" : String.join(" ", settings.given()));
        FailoverReporting.timingSettings(report, settings, effective);
        report.setting("agent JVM", String.join(" ", FailoverCluster.AGENT_JVM));
        report.setting("service JVM", String.join(" ", FailoverCluster.SERVICE_JVM));

        Latencies endToEnd = new Latencies();
        Latencies detected = new Latencies();
        Latencies decide = new Latencies();
        Latencies running = new Latencies();
        Latencies reconnected = new Latencies();
        Latencies total = new Latencies();
        Latencies killCommand = new Latencies();
        int unansweredTrials = 0;
        int unanswered = 0;
        int incomplete = 0;
        for (Trial trial : results) {
            if (!trial.answered()) {
                unansweredTrials++;
                continue;
            }
            endToEnd.recordNanos(Math.round(trial.endToEndMs() * 1e6));
            killCommand.recordNanos(Math.round(trial.killCommandMs() * 1e6));
            record(detected, trial.killToDetectedMs());
            record(decide, trial.detectToDecideMs());
            record(running, trial.decideToRunningMs());
            record(reconnected, trial.runningToReconnectedMs());
            record(total, trial.batonTotalMs());
            unanswered += trial.unanswered();
            if (trial.problem() != null) {
                incomplete++;
            }
        }
        if (endToEnd.count() > 0) {
            double p50 = endToEnd.percentileMillis(50);
            double p99 = endToEnd.percentileMillis(99);
            report.figure("kill → first answer from the new host, p50", ms(p50), "≤ 500 ms", p50 <= TARGET_P50_MS);
            report.figure("kill → first answer from the new host, p95", ms(endToEnd.percentileMillis(95)));
            report.figure("kill → first answer from the new host, p99", ms(p99), "≤ 1 s", p99 <= TARGET_P99_MS);
            report.figure("kill → first answer from the new host, max", ms(endToEnd.maxNanos() / 1e6));
        } else {
            report.figure("kill → first answer from the new host, p50", "no trial answered", "≤ 500 ms", false);
            report.figure("kill → first answer from the new host, p99", "no trial answered", "≤ 1 s", false);
        }
        report.figure("trials with no answer from another server within " + FAILOVER_TIMEOUT.toSeconds() + " s",
                Integer.toString(unansweredTrials), "0", unansweredTrials == 0);
        int droppedConnections = clientStats.disconnects() - reconnectsBeforeTrials;
        report.figure("client reconnects during the trials (connections closed under a request to the killed host: "
                + "in-flight policy close)", Integer.toString(droppedConnections));
        report.figure("requests that failed with their connection, and retried by the client",
                clientStats.failedRequests() + " failed, " + clientStats.retriedRequests() + " retried");
        report.figure("hung connections (a request without an answer for "
                + FailoverClient.DEFAULT_REQUEST_TIMEOUT.toSeconds() + " s; the client closed them)",
                Long.toString(clientStats.hungConnections()), "0", clientStats.hungConnections() == 0);
        report.figure("requests without an answer after the client's retries", Integer.toString(unanswered), "0",
                unanswered == 0);
        report.figure("breakdown: kill → detected (server_down_detected_at − kill)", spread(detected));
        report.figure("breakdown: detect → decide (detect_to_decide_ms)", spread(decide));
        report.figure("breakdown: decide → RUNNING (decide_to_running_ms)", spread(running));
        report.figure("breakdown: RUNNING → reconnected (running_to_reconnected_ms)", spread(reconnected));
        report.figure("Baton's own measure: detected → clients reconnected (total_ms)", spread(total));
        report.figure("SIGKILL → process gone (reaped)", spread(killCommand));
        report.figure("client: latency of every answered request over the whole run, failovers included",
                clientStats.latency());
        report.figure("role moves during start-up, before the first trial (not measured)",
                Long.toString(Math.max(0, startupEpoch - 1)));
        if (incomplete > 0) {
            report.figure("trials with an incomplete audit timeline or another anomaly", Integer.toString(incomplete));
        }

        report.paragraph("""
                Setup: every Baton service is an OS process of its own on this machine, started from the built jars \
                as `./baton up` starts them — two placement-service instances with control-plane failover \
                (database `baton`), the audit-service (database `baton_audit`), the proxy-gateway with a route for \
                role `%s`, and three heartbeat-agents `server-a`, `server-b`, `server-c` (agent JVM options of \
                heartbeat-agent/README.md). The Kafka broker (one KRaft node) runs inside the benchmark's JVM; \
                PostgreSQL is a server process with its data in the run directory. The role runs on the built-in \
                sample plugin with the servers in that order, without failback, created through the placement's \
                admin API. A client in the benchmark's JVM keeps one TCP connection to the gateway's role port and \
                writes a line every %d ms (paced against a fixed schedule, without waiting for answers); each \
                answer says which server produced it. A trial asks the placement API which server hosts the role, \
                `kill -9`s that server's agent (SIGKILL sent from the benchmark's JVM with one `kill(2)` call, so \
                its moment is exact), and measures, on the benchmark JVM's monotonic clock, from the signal to the \
                arrival of the first answer from another server. The \
                killed agent is then started again (a new process, same server id); the next trial begins once \
                the placement sees it UP, the gateway's route is RUNNING on the new host, the client gets answers \
                from it, the audit timeline of the failover is complete and both placement instances agree on the \
                leader, plus a pause of %d ms. The breakdown is the audit-service's `failover_timeline` \
                (GET /api/v1/failovers) for that epoch: detection is the placement's wall clock, RUNNING the new \
                host agent's, reconnection the gateway's; kill → detected subtracts the benchmark's wall-clock time \
                taken at the signal. All clocks are this machine's.""".formatted(FailoverCluster.ROLE,
                REQUEST_INTERVAL.toMillis(), pause.toMillis()));
        if (aborted != null) {
            report.paragraph("**" + aborted + "**");
        }
        List<List<String>> rows = new ArrayList<>();
        for (Trial t : results) {
            rows.add(List.of(Integer.toString(t.number()), t.from() + " → " + (t.to() == null ? "none" : t.to()),
                    t.epoch() < 0 ? "" : Long.toString(t.epoch()), cell(t.answered() ? t.endToEndMs() : null),
                    cell(t.killToDetectedMs()), cell(t.detectToDecideMs()), cell(t.decideToRunningMs()),
                    cell(t.runningToReconnectedMs()), cell(t.batonTotalMs()), Integer.toString(t.reconnects()),
                    Integer.toString(t.unanswered()), t.problem() == null ? "" : t.problem()));
        }
        report.table(List.of("trial", "move", "epoch", "kill → answer (ms)", "kill → detected", "detect → decide",
                "decide → RUNNING", "RUNNING → reconnected", "Baton total", "reconnects", "unanswered", "note"), rows);
        FailoverReporting.timingTable(report, settings, effective);
        return report;
    }

    private static void record(Latencies latencies, Double millis) {
        if (millis != null) {
            latencies.recordNanos(Math.round(millis * 1e6));
        }
    }

    static String spread(Latencies latencies) {
        if (latencies.count() == 0) {
            return "no data";
        }
        return String.format(Locale.ROOT, "p50 %.0f ms, p95 %.0f ms, max %.0f ms (n=%d)",
                latencies.percentileMillis(50), latencies.percentileMillis(95), latencies.maxNanos() / 1e6,
                latencies.count());
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.0f ms", millis);
    }

    private static String cell(Double millis) {
        return millis == null || millis.isNaN() ? "–" : String.format(Locale.ROOT, "%.0f", millis);
    }

    private static String describe(Trial t) {
        return String.format(Locale.ROOT, "trial %d: %s → %s (epoch %d): kill → answer %s ms; kill → detected %s, "
                + "detect → decide %s, decide → RUNNING %s, RUNNING → reconnected %s; reconnects %d, unanswered %d%s",
                t.number(), t.from(), t.to() == null ? "none" : t.to(), t.epoch(),
                cell(t.answered() ? t.endToEndMs() : null), cell(t.killToDetectedMs()), cell(t.detectToDecideMs()),
                cell(t.decideToRunningMs()), cell(t.runningToReconnectedMs()), t.reconnects(), t.unanswered(),
                t.problem() == null ? "" : " (" + t.problem() + ")");
    }

    static void log(String line) {
        System.err.println(java.time.LocalTime.now().withNano(0) + " " + line);
    }
}
