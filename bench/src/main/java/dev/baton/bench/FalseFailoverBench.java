package dev.baton.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.events.BatonEvent;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.ServerDown;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * False failovers under CPU saturation: the failover cluster at its default settings with a client sending through
 * the gateway, while stress-ng keeps every core busy for the whole run (with {@code --mix}, also JVMs starting one
 * after another and a Maven build of the repository in a loop: {@link LoadMix}); counts role moves (target 0), servers
 * declared DOWN, placement leader changes and the client's errors and gaps.
 */
@Command(name = "false-failovers", mixinStandardHelpOptions = true, description = "False failovers under CPU saturation.")
public final class FalseFailoverBench implements Callable<Integer> {
    static final String NAME = "false-failovers";
    static final String TITLE = "False failovers under CPU saturation";
    static final int MINUTES = 10;
    static final int QUICK_MINUTES = 1;
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    private static final Duration GAP = Duration.ofSeconds(1);

    @Mixin
    BenchOptions options;

    @Mixin
    FailoverClusterOptions clusterOptions;

    @Spec
    CommandSpec spec;

    @Option(names = "--minutes", description = "How long the CPU hog runs (default: " + MINUTES + ", --quick: "
            + QUICK_MINUTES + ").")
    Integer minutes;

    @Option(names = "--cpu-workers", description = "stress-ng CPU workers (default: one per core).")
    Integer cpuWorkers;

    @Option(names = "--mix", description = "Realistic load: besides the CPU hog, JVM starts in a loop and a Maven "
            + "build of a copy of the repository in a loop.")
    boolean mix;

    @Override
    public Integer call() throws Exception {
        int runMinutes = minutes != null ? minutes : options.quick() ? QUICK_MINUTES : MINUTES;
        int workers = cpuWorkers != null ? cpuWorkers : Runtime.getRuntime().availableProcessors();
        if (runMinutes < 1 || workers < 1) {
            throw new IllegalArgumentException("--minutes and --cpu-workers must be at least 1");
        }
        String stressVersion = stressNgVersion();
        Path work = options.workDir(NAME);
        FailoverSettings settings = clusterOptions.settings(spec.commandLine(), work);
        Duration duration = Duration.ofMinutes(runMinutes);
        List<String> stressCommand = List.of("stress-ng", "--cpu", Integer.toString(workers), "--timeout",
                (duration.toSeconds() + 60) + "s");
        FailoverBench.log("run directory " + work + "; " + runMinutes + " min under `" + String.join(" ", stressCommand)
                + "` (" + stressVersion + "); overrides: "
                + (settings.isDefault() ? "none (every service at its defaults)" : String.join(" ", settings.given())));

        Result result;
        try (FailoverCluster cluster = FailoverCluster.start(work, settings, FailoverBench::log);
                FailoverClient client = FailoverClient.start("127.0.0.1", cluster.rolePort(),
                        FailoverBench.REQUEST_INTERVAL)) {
            FailoverBench.log(FailoverReporting.describe(settings, cluster.effective()));
            client.awaitReply(0, r -> true, Duration.ofSeconds(60))
                    .orElseThrow(() -> new IllegalStateException("no answer through the gateway within 60 s"));
            result = measure(cluster, client, stressCommand, duration, work);
            result.effective = cluster.effective();
            result.startupEpoch = cluster.startupEpoch();
        }
        Report report = report(runMinutes, workers, stressCommand, stressVersion, settings, result);
        report.publish(options.docsFile());
        // A missed target is a result, not a failure to run (bench/run all goes on to the next benchmark).
        return 0;
    }

    /** What the run observed. */
    private static final class Result {
        Map<FailoverSettings.Service, Map<String, String>> effective;
        long startupEpoch;
        Instant from;
        Instant to;
        String hostBefore;
        String hostAfter;
        long epochBefore;
        long epochAfter;
        String leaderBefore;
        String leaderAfter;
        List<BatonEvent> moves = List.of();
        List<ServerDown> downs = List.of();
        List<String> leaderChanges = List.of();
        List<RoleStateChanged> failed = List.of();
        int auditMoves = -1;
        int auditDowns = -1;
        FailoverClient.Stats client;
        int unanswered;
        List<FailoverClient.Disconnect> disconnects = List.of();
        double loadMean;
        double loadMax;
        int loadSamples;
        String stressStatus;
        List<String> deadProcesses = List.of();
        double maxStressCpu;
        int jvmStarts = -1;
        int builds = -1;
    }

    private Result measure(FailoverCluster cluster, FailoverClient client, List<String> stressCommand, Duration duration,
            Path work) throws Exception {
        Result result = new Result();
        try (FailoverEvents events = FailoverEvents.start(cluster.bootstrapServers())) {
            FailoverCluster.Placement before = cluster.placement();
            result.hostBefore = before.host();
            result.epochBefore = before.epoch();
            result.leaderBefore = cluster.awaitLeader(Duration.ofSeconds(30));
            int disconnectsBefore = client.disconnects().size();
            long seqBefore = client.sentCount();
            Process stress = new ProcessBuilder(stressCommand).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("stress-ng.log").toFile())).start();
            try {
                FailoverCluster.await("stress-ng's " + stressCommand.get(2) + " workers", Duration.ofSeconds(30), () -> {
                    if (!stress.isAlive()) {
                        throw new IllegalStateException("stress-ng exited with " + stress.exitValue() + "; see "
                                + work.resolve("stress-ng.log"));
                    }
                    return stress.descendants().count() >= Integer.parseInt(stressCommand.get(2)) ? Boolean.TRUE : null;
                });
                LoadMix load = mix ? LoadMix.start(work) : null;
                try {
                    client.resetStatistics();
                    result.from = Instant.now();
                    runFor(duration, stress, load, events, client, result);
                    result.to = Instant.now();
                    result.stressStatus = "running until the end";
                } finally {
                    if (load != null) {
                        result.jvmStarts = load.jvmStarts();
                        result.builds = load.builds();
                        load.close();
                    }
                }
            } finally {
                stress.descendants().forEach(ProcessHandle::destroy);
                stress.destroy();
                if (!stress.waitFor(10, TimeUnit.SECONDS)) {
                    stress.descendants().forEach(ProcessHandle::destroyForcibly);
                    stress.destroyForcibly();
                }
            }
            result.deadProcesses = cluster.deadProcesses();
            result.client = client.stats();
            result.disconnects = client.disconnects().subList(disconnectsBefore, client.disconnects().size());
            List<FailoverClient.Reply> replies = client.repliesFrom(0);
            long lastSeq = replies.isEmpty() ? seqBefore : replies.get(replies.size() - 1).seq();
            result.unanswered = client.unanswered(seqBefore, lastSeq);
            events.awaitCaughtUp(Duration.ofSeconds(30));
            Instant to = result.to;
            result.moves = events.roleMoves().stream().filter(e -> !e.occurredAt().isAfter(to)).toList();
            result.downs = events.serverDowns().stream().filter(e -> !e.occurredAt().isAfter(to)).toList();
            result.failed = events.failedReports().stream().filter(e -> !e.occurredAt().isAfter(to)).toList();
            result.leaderChanges = events.leaderChanges();
            FailoverCluster.Placement after = cluster.placement();
            result.hostAfter = after.host();
            result.epochAfter = after.epoch();
            result.leaderAfter = cluster.awaitLeader(Duration.ofSeconds(30));
            auditCrossCheck(cluster, result);
        }
        return result;
    }

    /** Samples the load every few seconds for {@code duration}, logging progress; fails when the load dies early. */
    private static void runFor(Duration duration, Process stress, LoadMix mix, FailoverEvents events,
            FailoverClient client, Result result) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long next = start;
        double loadSum = 0;
        long lastProgress = start;
        while (System.nanoTime() < end) {
            next += SAMPLE_EVERY.toNanos();
            LockSupport.parkNanos(Math.max(0, Math.min(next, end) - System.nanoTime()));
            double load = loadAverage();
            loadSum += load;
            result.loadSamples++;
            result.loadMax = Math.max(result.loadMax, load);
            if (!stress.isAlive()) {
                throw new IllegalStateException("stress-ng ended early with " + stress.exitValue());
            }
            if (mix != null && !mix.alive()) {
                throw new IllegalStateException("a loop of the load mix ended early; see jvm-starts.log and "
                        + "maven-build.log in the run directory");
            }
            if (System.nanoTime() - lastProgress >= TimeUnit.SECONDS.toNanos(30)) {
                lastProgress = System.nanoTime();
                FailoverBench.log(String.format(Locale.ROOT, "%.0f s of %d: load %.2f, role moves %d, "
                        + "ServerDown %d, leader changes %d%s, client %s", (lastProgress - start) / 1e9,
                        duration.toSeconds(), load, events.roleMoves().size(), events.serverDowns().size(),
                        events.leaderChanges().size(), mix == null ? "" : ", JVM starts " + mix.jvmStarts()
                                + ", builds " + mix.builds(), client.stats().latency()));
            }
        }
        result.loadMean = result.loadSamples == 0 ? 0 : loadSum / result.loadSamples;
    }

    /** The same counts from the audit store (it may lag: waits up to 30 s for it to hold what Kafka held). */
    private static void auditCrossCheck(FailoverCluster cluster, Result result) throws InterruptedException {
        try {
            List<JsonNode> rows = FailoverCluster.await("the audit store to hold the run's events",
                    Duration.ofSeconds(30), () -> {
                        List<JsonNode> stored = cluster.auditEvents("RoleMoved,RoleUnplaced,ServerDown", result.from)
                                .stream().filter(e -> !Instant.parse(e.path("occurredAt").asText()).isAfter(result.to))
                                .toList();
                        return stored.size() >= result.moves.size() + result.downs.size() ? stored : null;
                    });
            result.auditMoves = (int) rows.stream().filter(e -> !e.path("type").asText().equals("ServerDown")).count();
            result.auditDowns = (int) rows.stream().filter(e -> e.path("type").asText().equals("ServerDown")).count();
        } catch (IllegalStateException e) {
            FailoverBench.log("audit cross-check: " + e.getMessage());
        }
    }

    private Report report(int runMinutes, int workers, List<String> stressCommand, String stressVersion,
            FailoverSettings settings, Result r) {
        StringBuilder command = new StringBuilder("bench/run false-failovers");
        if (options.quick()) {
            command.append(" --quick");
        }
        if (minutes != null) {
            command.append(" --minutes ").append(minutes);
        }
        if (cpuWorkers != null) {
            command.append(" --cpu-workers ").append(cpuWorkers);
        }
        if (mix) {
            command.append(" --mix");
        }
        settings.given().forEach(option -> command.append(' ').append(option));
        Report report = mix ? new Report(NAME + "-mix", "False failovers under realistic load (CPU hog, JVM starts, "
                + "a Maven build)", command.toString()) : new Report(NAME, TITLE, command.toString());
        report.setting("duration", runMinutes + " min");
        report.setting("CPU hog", String.join(" ", stressCommand) + " (" + stressVersion + ")");
        report.setting("load mix", mix ? "also, in loops: `" + String.join("` and `", LoadMix.describe(
                Path.of("cli/target/baton.jar"), Path.of("<run dir>/build-copy"))) + "`" : "off (CPU hog only)");
        report.setting("request interval", FailoverBench.REQUEST_INTERVAL.toMillis() + " ms");
        report.setting("overrides", settings.isDefault() ? "none (defaults)" : String.join(" ", settings.given()));
        FailoverReporting.timingSettings(report, settings, r.effective);

        report.figure("role moves (RoleMoved, RoleUnplaced) during the run", Integer.toString(r.moves.size()), "0",
                r.moves.isEmpty());
        report.figure("servers declared DOWN (ServerDown)", Integer.toString(r.downs.size()));
        report.figure("placement leader changes", Integer.toString(r.leaderChanges.size()));
        report.figure("roles reported FAILED (e.g. an agent fencing itself when its lease ran out)",
                Integer.toString(r.failed.size()));
        report.figure("audit store: role moves / ServerDown in the same window",
                r.auditMoves < 0 ? "not available within 30 s" : r.auditMoves + " / " + r.auditDowns);
        report.figure("client: connections lost (reconnects)", Integer.toString(r.disconnects.size()));
        report.figure("client: write errors", Long.toString(r.client.writeErrors()));
        report.figure("client: gaps between answers longer than " + GAP.toSeconds() + " s",
                Long.toString(r.client.gapsOverSecond()));
        report.figure("client: longest gap between two answers", String.format(Locale.ROOT, "%.0f ms",
                r.client.maxGapNanos() / 1e6));
        report.figure("client: requests without an answer", Integer.toString(r.unanswered));
        report.figure("client: answer latency", r.client.latency());
        report.figure("client: requests sent late (sender not scheduled for over 10 ms)",
                Long.toString(r.client.lateTicks()));
        report.figure("load average (1 min) during the run", String.format(Locale.ROOT, "mean %.2f, max %.2f (%d samples, "
                + "every %d s)", r.loadMean, r.loadMax, r.loadSamples, SAMPLE_EVERY.toSeconds()));
        if (mix) {
            report.figure("load mix: JVM starts / Maven builds completed during the run", r.jvmStarts + " / "
                    + r.builds);
        }
        report.figure("role host before → after", r.hostBefore + " (epoch " + r.epochBefore + ") → " + r.hostAfter
                + " (epoch " + r.epochAfter + ")");
        report.figure("placement leader before → after", r.leaderBefore + " → " + r.leaderAfter);
        report.figure("role moves during start-up, before the CPU hog (not counted)",
                Long.toString(Math.max(0, r.startupEpoch - 1)));
        if (!r.deadProcesses.isEmpty()) {
            report.figure("processes that died during the run", String.join(", ", r.deadProcesses));
        }

        report.paragraph("""
                Setup: the cluster of the failover benchmark — every Baton service an OS process of its own on this \
                machine (two placement-service instances with control-plane failover, the audit-service, the \
                proxy-gateway, three heartbeat-agents with the agent JVM options of heartbeat-agent/README.md), \
                Kafka inside the benchmark's JVM, PostgreSQL as a server process — and role `%s` on the sample \
                plugin, without failback. A client in the benchmark's JVM writes a line every %d ms on one TCP \
                connection through the gateway for the whole run. Once the role runs and answers, `%s` starts \
                %d busy-loop workers (one per core unless told otherwise) at the same priority as Baton, and runs \
                for the measured %d minute(s); nothing is killed. Role moves, ServerDown and RoleStateChanged FAILED \
                are read from Kafka (role-events, server-events; committed records only) by a plain consumer \
                started at the end of each topic just before the CPU hog, and the leader changes from the \
                placement-control topic (a leader heartbeat from another instance or term); the audit store's \
                counts for the same window are shown beside them. Event times are the publishers' wall clocks; \
                the client's gaps and latencies are measured on the benchmark JVM's monotonic clock; the load \
                average is /proc/loadavg sampled every %d s.""".formatted(FailoverCluster.ROLE,
                FailoverBench.REQUEST_INTERVAL.toMillis(), String.join(" ", stressCommand.subList(0, 3)), workers,
                runMinutes, SAMPLE_EVERY.toSeconds()));
        List<List<String>> rows = new ArrayList<>();
        for (BatonEvent event : r.moves) {
            String what = event instanceof RoleMoved moved ? moved.from() + " → " + moved.to() + " (" + moved.reason()
                    + "): " + moved.cause() : event.toString();
            rows.add(List.of(event.occurredAt().toString(), event.getClass().getSimpleName(), what));
        }
        for (ServerDown down : r.downs) {
            rows.add(List.of(down.occurredAt().toString(), "ServerDown", down.serverId() + ": " + down.cause()));
        }
        for (RoleStateChanged changed : r.failed) {
            rows.add(List.of(changed.occurredAt().toString(), "RoleStateChanged FAILED", changed.serverId()
                    + (changed.detail() == null ? "" : ": " + changed.detail())));
        }
        for (String change : r.leaderChanges) {
            rows.add(List.of(change.substring(0, change.indexOf(' ')), "leader change",
                    change.substring(change.indexOf(' ') + 1)));
        }
        for (FailoverClient.Disconnect disconnect : r.disconnects) {
            rows.add(List.of("", "client connection lost", disconnect.cause()));
        }
        if (!rows.isEmpty()) {
            rows.sort((a, b) -> a.get(0).compareTo(b.get(0)));
            report.paragraph("What happened during the run:");
            report.table(List.of("time (UTC)", "event", "detail"), rows);
        }
        FailoverReporting.timingTable(report, settings, r.effective);
        return report;
    }

    /** {@code stress-ng --version}, or a clear error when it is not installed. */
    static String stressNgVersion() {
        try {
            Process version = new ProcessBuilder("stress-ng", "--version").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!version.waitFor(30, TimeUnit.SECONDS) || version.exitValue() != 0) {
                throw new IllegalStateException("stress-ng --version failed: " + text);
            }
            return text.lines().findFirst().orElse("stress-ng");
        } catch (IOException e) {
            throw new IllegalStateException("false-failovers needs stress-ng (Debian: apt-get install stress-ng), "
                    + "which is not installed or not on the PATH: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
