package dev.baton.bench;

import static dev.baton.bench.HeartbeatBenchSupport.millis;
import static dev.baton.bench.HeartbeatBenchSupport.number;

import dev.baton.placement.detector.DetectorConfig;
import dev.baton.bench.MassFailoverAgents.Agent;
import dev.baton.bench.MassFailoverAgents.DownReceived;
import dev.baton.bench.MassFailoverAgents.Follower;
import dev.baton.bench.MassFailoverAgents.Received;
import dev.baton.placement.store.PostgresRoleStore;
import dev.baton.runtime.kafka.KafkaSettings;
import dev.baton.runtime.kafka.TopicBootstrap;
import dev.baton.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Mass failover: one server hosting 10,000 roles dies; how long until the last of them is moved. */
@Command(name = "mass-failover", mixinStandardHelpOptions = true, description = "Mass failover of 10,000 roles.")
public final class MassFailoverBench implements Callable<Integer> {
    static final Duration TARGET = Duration.ofSeconds(1);
    private static final String HOST = "server-a";
    private static final String BACKUP = "server-b";
    /** The measuring reader's fetch.max.wait.ms: short, so it sees a commit within milliseconds. */
    private static final int PROMPT_FETCH_WAIT_MS = 5;
    private static final Pattern ROUND = Pattern.compile("Round at \\S+: (\\d+) moves and (\\d+) unplacements decided in "
            + "(\\d+) ms; (\\d+) events committed in one transaction in (\\d+) ms");

    @Mixin
    BenchOptions options;

    @Option(names = "--roles", description = "Roles on the server that dies (default 10000; --quick: 1000).")
    Integer roles;

    @Option(names = "--trials", description = "Repetitions, each with a new namespace, database and placement "
            + "process (default 3; --quick: 1).")
    Integer trials;

    @Option(names = "--jfr", description = "Record each placement-service with Java Flight Recorder (profile "
            + "settings) into the run directory.")
    boolean jfr;

    /** One repetition. */
    record Trial(int roles, long insertMillis, double settleSeconds, int heartbeatBytes, Instant silencedAt,
            Instant detectedAt, long downReceivedAt, long lastRecordTimestamp, long lastReceivedAt, long readerLastAt,
            int moved,
            String placementRound, double placementCpu) {
        double silenceToDetectionMs() {
            return Duration.between(silencedAt, detectedAt).toNanos() / 1e6;
        }

        double detectionToLastVisibleMs() {
            return lastReceivedAt - detectedAt.toEpochMilli() - fraction(detectedAt);
        }

        double detectionToReaderMs() {
            return readerLastAt - detectedAt.toEpochMilli() - fraction(detectedAt);
        }

        double detectionToLastRecordMs() {
            return lastRecordTimestamp - detectedAt.toEpochMilli() - fraction(detectedAt);
        }

        private static double fraction(Instant instant) {
            return (instant.getNano() % 1_000_000) / 1e6;
        }
    }

    @Override
    public Integer call() throws Exception {
        boolean quick = options.quick();
        int n = roles != null ? roles : quick ? 1_000 : 10_000;
        int repetitions = trials != null ? trials : quick ? 1 : 3;
        Duration settleTimeout = quick ? Duration.ofMinutes(2) : Duration.ofMinutes(5);
        Path workDir = options.workDir("mass-failover");
        List<Trial> results = new ArrayList<>();
        try (Infra infra = Infra.kafkaAndPostgres(workDir)) {
            for (int trial = 1; trial <= repetitions; trial++) {
                Trial result = trial(infra, workDir, trial, n, settleTimeout);
                results.add(result);
                System.err.printf(Locale.ROOT, "mass-failover: trial %d: %,d roles; detection -> last RoleMoved "
                        + "visible %.0f ms (services' reader settings: %.0f ms; last record timestamp %.0f ms); silence -> "
                        + "detection %.0f ms; %s%n", trial, n, result.detectionToLastVisibleMs(),
                        result.detectionToReaderMs(), result.detectionToLastRecordMs(),
                        result.silenceToDetectionMs(), result.placementRound());
            }
        }
        Report report = report(results, n, quick);
        report.publish(options.docsFile());
        return 0;
    }

    private Trial trial(Infra infra, Path workDir, int trial, int n, Duration settleTimeout) throws Exception {
        String namespace = "bench-mf-" + trial;
        String dbUrl = infra.createDatabase("massfailover_" + trial);
        long insertMillis = insertRoles(infra, dbUrl, n);
        KafkaSettings kafka = new KafkaSettings(infra.bootstrapServers(), namespace, "bench-mass-failover");
        TopicBootstrap.ensureAll(kafka, Duration.ofSeconds(60));
        int port = FreePorts.next();
        Path log = null;
        try (Follower follower = new Follower(kafka, PROMPT_FETCH_WAIT_MS);
                Follower reader = new Follower(kafka, null);
                Agent host = new Agent(kafka, HOST, follower);
                Agent backup = new Agent(kafka, BACKUP, follower)) {
            // The agents heartbeat before placement starts, so it places every role at once on server-a.
            long settleStart = System.nanoTime();
            List<String> extraJvm = jfr ? List.of("-XX:StartFlightRecording=filename="
                    + workDir.resolve("placement-" + trial + ".jfr") + ",settings=profile,dumponexit=true") : List.of();
            ServiceProcess started = HeartbeatBenchSupport.startPlacement("placement-" + trial, infra, namespace,
                    dbUrl, port, workDir, extraJvm);
            try (ServiceProcess placement = started) {
                log = placement.logFile();
                await("all " + n + " roles on " + HOST + " and reported RUNNING there", settleTimeout, placement,
                        () -> follower.runningOn(HOST) >= n);
                double settleSeconds = (System.nanoTime() - settleStart) / 1e9;
                // A heartbeat that failed (the agent's producer gives up after its 500 ms lease, as a real agent's
                // does) is harmless unless placement saw a server go DOWN before the silence.
                for (String serverId : List.of(HOST, BACKUP)) {
                    if (follower.down(serverId) != null) {
                        throw new IllegalStateException(serverId + " was declared DOWN before " + HOST
                                + " went silent (failed heartbeats: " + host.failed() + " of " + HOST + ", "
                                + backup.failed() + " of " + BACKUP + "; first error: "
                                + (host.firstError() != null ? host.firstError() : backup.firstError()) + ")");
                    }
                }
                int heartbeatBytes = host.lastSize();
                ProcStats.Sample before = placement.sample();
                Instant silencedAt = host.silence();
                await("the " + n + " FAILOVER moves away from " + HOST, Duration.ofMinutes(2), placement,
                        () -> follower.failoversFrom(HOST).size() >= n && reader.failoversFrom(HOST).size() >= n);
                long readerLast = reader.failoversFrom(HOST).stream().mapToLong(Received::receivedAtMillis).max()
                        .orElseThrow();
                double cpu = placement.sample().cpuPercentSince(before);
                List<Received> moves = follower.failoversFrom(HOST);
                DownReceived down = follower.down(HOST);
                Instant detectedAt = down != null ? down.down().occurredAt()
                        : moves.stream().map(m -> m.moved().detectedAt()).min(Instant::compareTo).orElseThrow();
                long lastRecord = moves.stream().mapToLong(Received::recordTimestamp).max().orElseThrow();
                long lastReceived = moves.stream().mapToLong(Received::receivedAtMillis).max().orElseThrow();
                for (Received move : moves) {
                    if (!BACKUP.equals(move.moved().to())) {
                        throw new IllegalStateException("role " + move.moved().roleId() + " moved to "
                                + move.moved().to() + ", not " + BACKUP);
                    }
                }
                String round = placementRound(log);
                if (jfr) {
                    placement.terminate();
                    placement.awaitExit(Duration.ofSeconds(60));
                }
                return new Trial(n, insertMillis, settleSeconds, heartbeatBytes, silencedAt, detectedAt,
                        down == null ? -1 : down.receivedAtMillis(), lastRecord, lastReceived, readerLast, moves.size(),
                        round, cpu);
            }
        }
    }

    private static void await(String what, Duration timeout, ServiceProcess placement, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!placement.alive()) {
                throw new IllegalStateException("placement-service exited while waiting for " + what + "; see "
                        + placement.logFile());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "; see " + placement.logFile());
            }
            Thread.sleep(10);
        }
    }

    /** The placement's own account of the failover round (its log line), e.g. "10000 moves decided in 40 ms; ...". */
    private static String placementRound(Path log) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String last = null;
                for (String line : Files.readAllLines(log)) {
                    Matcher m = ROUND.matcher(line);
                    if (m.find()) {
                        last = m.group(1) + " moves decided in " + m.group(3) + " ms, " + m.group(4)
                                + " events committed in " + m.group(5) + " ms";
                    }
                }
                if (last != null) {
                    return last;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.sleep(100);
        }
        return "(no round line in the placement log)";
    }

    /**
     * Creates {@code n} roles listing server-a then server-b directly in the placement's tables: the schema
     * migrated by {@link PostgresRoleStore#migrate}, then one batched INSERT per table in one transaction.
     */
    private static long insertRoles(Infra infra, String dbUrl, int n) throws SQLException {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(dbUrl);
        dataSource.setUser(infra.dbUser());
        dataSource.setPassword(infra.dbPassword());
        PostgresRoleStore.migrate(dataSource);
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            Timestamp now = Timestamp.from(Instant.now());
            try (PreparedStatement role = connection.prepareStatement("INSERT INTO placement.roles (role_id, version, "
                    + "force_highest_priority, failback_delay_ms, updated_by, updated_at) VALUES (?, 1, false, 0, "
                    + "'bench', ?)");
                    PreparedStatement server = connection.prepareStatement(
                            "INSERT INTO placement.role_servers (role_id, position, server_id) VALUES (?, ?, ?)")) {
                for (int i = 1; i <= n; i++) {
                    String roleId = String.format(Locale.ROOT, "role-%05d", i);
                    role.setString(1, roleId);
                    role.setTimestamp(2, now);
                    role.addBatch();
                    for (String serverId : List.of(HOST, BACKUP)) {
                        server.setString(1, roleId);
                        server.setInt(2, HOST.equals(serverId) ? 0 : 1);
                        server.setString(3, serverId);
                        server.addBatch();
                    }
                }
                role.executeBatch();
                server.executeBatch();
            }
            connection.commit();
        }
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static Report report(List<Trial> results, int n, boolean quick) {
        double worst = results.stream().mapToDouble(Trial::detectionToLastVisibleMs).max().orElse(Double.NaN);
        double worstReader = results.stream().mapToDouble(Trial::detectionToReaderMs).max().orElse(Double.NaN);
        double worstRecord = results.stream().mapToDouble(Trial::detectionToLastRecordMs).max().orElse(Double.NaN);
        Trial first = results.get(0);
        Report report = new Report("mass-failover", "Mass failover of " + number(n) + " roles",
                "bench/run mass-failover" + (quick ? " --quick" : ""))
                .setting("roles", n)
                .setting("trials", results.size())
                .setting("role servers", HOST + ", " + BACKUP)
                .setting("heartbeat interval", Agent.INTERVAL.toMillis() + " ms")
                .setting("failure timeout", DetectorConfig.DEFAULT_FAILURE_TIMEOUT.toMillis() + " ms (default)")
                .setting("placement JVM", String.join(" ", HeartbeatBenchSupport.PLACEMENT_JVM));
        report.figure("detection → last of the " + number(n) + " FAILOVER RoleMoved visible to a read_committed reader"
                + (results.size() > 1 ? " (worst of " + results.size() + ")" : ""), millis(worst), "≤ 1 s",
                worst <= TARGET.toMillis());
        report.figure("detection → record timestamp of the last RoleMoved (when placement sent it)"
                + (results.size() > 1 ? " (worst)" : ""), millis(worstRecord));
        report.figure("detection → last RoleMoved received by a reader with the services' consumer settings as they are"
                + (results.size() > 1 ? " (worst)" : ""), millis(worstReader));
        report.figure("heartbeat of " + HOST + " reporting " + number(n) + " RUNNING roles",
                String.format(Locale.ROOT, "%,d bytes", first.heartbeatBytes()));
        report.paragraph("""
                Setup: per trial a new topic namespace, a new PostgreSQL database and a new placement-service \
                process (`java %s -jar placement-service.jar`, one instance, no standby) on a real Kafka broker \
                (one KRaft node in the benchmark's JVM) and a real PostgreSQL. The %s roles `role-00001`… list \
                `%s` then `%s`; they are written straight into the placement's tables in one transaction (schema \
                by `PostgresRoleStore.migrate`, batched INSERTs; the admin API would reload every role after each \
                creation) before placement starts. Two simulated agents, threads of the benchmark with the \
                heartbeat-agent's own producer settings, heartbeat every 100 ms from before placement starts, so \
                placement places every role on `%s` in its first round; `%s` reports each role assigned to it \
                RUNNING at its epoch with an endpoint, as a real agent does, and the trial waits until placement \
                has republished every assignment with that endpoint (settled). Then `%s` goes silent (its thread \
                stops and its producer is closed without flushing: as `kill -9`). Two readers with the services' \
                consumer settings (`read_committed`, every partition assigned) follow role-assignments, \
                role-events and server-events; the measuring one fetches with `fetch.max.wait.ms=%d`, so it sees \
                a commit within milliseconds, the other as the services are configured (Kafka's default 500 ms). \
                Detection is the `ServerDown` event's time (= `detectedAt` of every RoleMoved); the figure is from \
                it to the instant the measuring reader had received the last of the %s FAILOVER RoleMoved, i.e. \
                once the leader's transaction had committed. The record timestamps of \
                role-events are the producer's send times (CreateTime), shown beside it. The placement's own log \
                line gives the decision time and the commit time of its one transaction.""".formatted(
                String.join(" ", HeartbeatBenchSupport.PLACEMENT_JVM), number(n), HOST, BACKUP, HOST, HOST, HOST,
                PROMPT_FETCH_WAIT_MS, number(n)));
        List<List<String>> rows = new ArrayList<>();
        int i = 1;
        for (Trial t : results) {
            rows.add(List.of(Integer.toString(i++), millis(t.detectionToLastVisibleMs()), millis(t.detectionToReaderMs()),
                    millis(t.detectionToLastRecordMs()), millis(t.silenceToDetectionMs()),
                    t.placementRound(), String.format(Locale.ROOT, "%.0f%%", t.placementCpu()),
                    String.format(Locale.ROOT, "%.1f s", t.settleSeconds()), t.insertMillis() + " ms"));
        }
        report.table(List.of("trial", "detection → last RoleMoved visible", "… with the services' reader settings", "detection → last record timestamp",
                "silence → detection", "placement's round (its log)", "placement CPU, silence → last move",
                "start → settled", "role insert"), rows);
        return report;
    }
}
