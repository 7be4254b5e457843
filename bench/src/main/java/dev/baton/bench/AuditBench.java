package dev.baton.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.events.BatonEvent;
import dev.baton.audit.ingest.AuditedTopics;
import dev.baton.events.EventCodec;
import dev.baton.events.Topic;
import dev.baton.runtime.kafka.KafkaSettings;
import dev.baton.runtime.kafka.TopicBootstrap;
import dev.baton.testkit.FreePorts;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Audit ingestion beside PostgreSQL's own COPY of the same rows, then role-history queries through the REST API
 * with the store full.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit ingestion and history queries.")
public final class AuditBench implements Callable<Integer> {
    /** The audit-service's JVM: bounded heap, serial GC (two cores), the JIT's default tiers. */
    static final List<String> AUDIT_JVM = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");
    static final double RATE_TARGET = 20_000;
    static final double COPY_SHARE_TARGET = 0.30;
    static final double P99_TARGET_MILLIS = 20;
    /** Events per role: a role's history is ten pages of 100, whatever the number of events. */
    static final int EVENTS_PER_ROLE = 1_000;
    private static final String TOKEN = "bench-audit-token-0123456789";
    private static final String COLUMNS = "event_id, topic, kafka_partition, kafka_offset, record_key, type, role_id,"
            + " server_id, epoch, occurred_at, recorded_at, payload";
    private static final Duration STALL = Duration.ofSeconds(180);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    @Mixin
    BenchOptions options;

    @Option(names = "--events", paramLabel = "N", description = "Events to ingest and query (default: 1000000;"
            + " 50000 with --quick). Roles: one per " + EVENTS_PER_ROLE + " events.")
    Integer eventsOption;

    @Override
    public Integer call() throws Exception {
        boolean quick = options.quick();
        int events = eventsOption != null ? eventsOption : quick ? 50_000 : 1_000_000;
        if (events < EVENTS_PER_ROLE) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--events must be at least "
                    + EVENTS_PER_ROLE);
        }
        int roles = events / EVENTS_PER_ROLE;
        int warmupRequests = quick ? 300 : 1_000;
        int requests = quick ? 1_000 : 4_000;
        Path workDir = options.workDir("audit");
        System.err.println("audit: run directory " + workDir);
        int httpPort = FreePorts.next();

        Report report = new Report("audit", "Audit ingestion and history queries",
                "bench/run audit" + (quick ? " --quick" : "")
                + (eventsOption != null ? " --events " + events : ""));
        try (Infra infra = Infra.kafkaAndPostgres(workDir)) {
            String dbUrl = infra.createDatabase("baton_audit");
            Map<String, String> config = new LinkedHashMap<>();
            config.put("kafka.bootstrap.servers", infra.bootstrapServers());
            config.put("db.url", dbUrl);
            config.put("db.user", infra.dbUser());
            config.put("db.password", infra.dbPassword());
            config.put("http.host", "127.0.0.1");
            config.put("http.port", Integer.toString(httpPort));
            config.put("api.token", TOKEN);
            // The whole load is on the topics before the service starts, so that the rate measured is the
            // service's and not the producer's (on two cores, a producer slower than the service would set it).
            TopicBootstrap.ensure(new KafkaSettings(infra.bootstrapServers(), Topic.DEFAULT_NAMESPACE, "bench-audit"),
                    AuditedTopics.TOPICS, Duration.ofSeconds(60));
            System.err.printf("audit: producing %d events over %d roles%n", events, roles);
            Map<String, Long> byType = new LinkedHashMap<>();
            long producerStart = System.nanoTime();
            produce(infra.bootstrapServers(), events, roles, byType);
            double producerRate = events / ((System.nanoTime() - producerStart) / 1e9);
            System.err.printf(Locale.ROOT, "audit: produced at %.0f events/s; starting the audit-service%n",
                    producerRate);
            try (ServiceProcess audit = ServiceProcess.start("audit-service", Repository.jar("audit-service", workDir),
                    AUDIT_JVM, config, workDir)) {
                Ingest ingest = watchIngest(httpPort, events, audit);
                System.err.printf(Locale.ROOT, "audit: stored %d events at %.0f/s%n", events, ingest.rate());
                Batches batches = batches(httpPort);
                System.err.printf(Locale.ROOT, "audit: %d batches, %.0f events each on average, written in %.1f ms"
                        + " each on average (%.0f %% of the ingestion time)%n", batches.count(), batches.meanSize(),
                        batches.meanWriteMillis(), 100 * batches.writeSeconds() / ingest.seconds());

                try (Connection db = DriverManager.getConnection(dbUrl, infra.dbUser(), infra.dbPassword())) {
                    long stored = count(db, "SELECT count(*) FROM events");
                    if (stored != events) {
                        throw new IllegalStateException("the events table holds " + stored + " rows, not " + events);
                    }
                    CopyResult copy = copy(db, workDir.resolve("events.copy"), events);
                    System.err.printf(Locale.ROOT, "audit: COPY of the same rows: %.0f rows/s%n", copy.rate());
                    execute(db, "VACUUM (ANALYZE) events");

                    System.err.printf("audit: %d + %d role-history requests%n", warmupRequests, requests);
                    QueryResult queries = queries(httpPort, roles, warmupRequests, requests);
                    String plan = explain(db, AuditBenchEvents.roleId(roles / 2));
                    describe(report, quick, events, roles, ingest, batches, producerRate, byType, copy, queries, plan,
                            warmupRequests, requests);
                }
            }
        }
        report.publish(options.docsFile());
        return 0;
    }

    /** How the stored count grew: from the first sample that saw rows to the one that saw them all. */
    record Ingest(long firstCount, long firstNanos, long lastNanos, long total, double peakRate) {
        double rate() {
            return (total - firstCount) / ((lastNanos - firstNanos) / 1e9);
        }

        double seconds() {
            return (lastNanos - firstNanos) / 1e9;
        }
    }

    /** The service's own account of its batches: {@code baton_audit_batch_size} and {@code baton_audit_batch_write}. */
    record Batches(long count, double rows, double writeSeconds) {
        double meanSize() {
            return count == 0 ? 0 : rows / count;
        }

        double meanWriteMillis() {
            return count == 0 ? 0 : 1000 * writeSeconds / count;
        }
    }

    record CopyResult(long rows, long bytes, long nanos) {
        double rate() {
            return rows / (nanos / 1e9);
        }
    }

    record QueryResult(Latencies all, Latencies firstPages, Latencies nextPages, double meanRows) {
    }

    private static void produce(String bootstrap, int count, int roles, Map<String, Long> byType) {
        AtomicReference<Exception> error = new AtomicReference<>();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
        EventCodec codec = new EventCodec();
        AuditBenchEvents source = new AuditBenchEvents(roles,
                Instant.now().minusMillis(AuditBenchEvents.STEP_MILLIS * (long) count * 11 / 10));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            int sent = 0;
            while (sent < count) {
                for (BatonEvent event : source.next()) {
                    if (sent == count) {
                        break;
                    }
                    producer.send(new ProducerRecord<>(event.topic().topicName(), event.key(), codec.encode(event)),
                            (metadata, e) -> {
                                if (e != null) {
                                    error.compareAndSet(null, e);
                                }
                            });
                    byType.merge(event.type().wireName(), 1L, Long::sum);
                    sent++;
                }
                if (error.get() != null) {
                    break;
                }
            }
            producer.flush();
        }
        if (error.get() != null) {
            throw new IllegalStateException("producing failed: " + error.get(), error.get());
        }
    }

    /**
     * Polls the service's {@code /metrics} every 100 ms (once it answers: it starts meanwhile) until {@code total}
     * events are stored.
     */
    private static Ingest watchIngest(int httpPort, long total, ServiceProcess audit) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build();
        long firstCount = -1;
        long firstNanos = 0;
        long lastCount = 0;
        long lastProgress = System.nanoTime();
        long windowNanos = System.nanoTime();
        long windowCount = 0;
        double peak = 0;
        long next = System.nanoTime();
        while (true) {
            if (!audit.alive()) {
                throw new IllegalStateException("the audit-service exited; see " + audit.logFile());
            }
            long at = System.nanoTime();
            long stored;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                stored = response.statusCode() == 200 ? storedTotal(response.body()) : 0;
            } catch (IOException e) {
                stored = 0; // not listening yet
            }
            if (stored > lastCount) {
                lastProgress = at;
                lastCount = stored;
            }
            if (firstCount < 0 && stored > 0) {
                firstCount = stored;
                firstNanos = at;
                windowNanos = at;
                windowCount = stored;
            }
            if (firstCount >= 0 && at - windowNanos >= TimeUnit.SECONDS.toNanos(5)) {
                peak = Math.max(peak, (stored - windowCount) / ((at - windowNanos) / 1e9));
                windowNanos = at;
                windowCount = stored;
            }
            if (stored >= total) {
                return new Ingest(firstCount, firstNanos, at, stored, peak);
            }
            if (at - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException("no event stored for " + STALL.toSeconds() + " s: " + stored + " of "
                        + total + "; see " + audit.logFile());
            }
            next += POLL_NANOS;
            for (long left = next - System.nanoTime(); left > 0; left = next - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
    }

    private static Batches batches(int httpPort) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        String metrics = response.body();
        return new Batches(Math.round(sample(metrics, "baton_audit_batch_size_count")),
                sample(metrics, "baton_audit_batch_size_sum"), sample(metrics, "baton_audit_batch_write_seconds_sum"));
    }

    /** The value of the unlabelled sample {@code name} in a Prometheus text page; 0 when absent. */
    static double sample(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** The sum of {@code baton_audit_events_stored_total} over its types, from a Prometheus text page. */
    static long storedTotal(String metrics) {
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("baton_audit_events_stored_total{") || line.startsWith("baton_audit_events_stored_total ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Math.round(sum);
    }

    /**
     * The same rows, exported from {@code events} to a file, then COPYed into a table like it (its indexes
     * included) and timed from the first byte sent to the COPY's commit.
     */
    private static CopyResult copy(Connection db, Path file, long expected) throws SQLException, IOException {
        execute(db, "DROP TABLE IF EXISTS copy_bench");
        execute(db, "CREATE TABLE copy_bench (LIKE events INCLUDING ALL)");
        CopyManager copy = db.unwrap(PGConnection.class).getCopyAPI();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            copy.copyOut("COPY events (" + COLUMNS + ") TO STDOUT", out);
        }
        long start = System.nanoTime();
        long rows;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            rows = copy.copyIn("COPY copy_bench (" + COLUMNS + ") FROM STDIN", in);
        }
        long nanos = System.nanoTime() - start;
        if (rows != expected) {
            throw new IllegalStateException("COPY stored " + rows + " rows, not " + expected);
        }
        long bytes = Files.size(file);
        execute(db, "DROP TABLE copy_bench");
        Files.delete(file);
        return new CopyResult(rows, bytes, nanos);
    }

    /**
     * Role-history requests one at a time: warm-up, then {@code count} measured, alternating the first page of a
     * role's history (default limit, 100) and the page after it ({@code limit=100&cursor=...}), over the roles
     * in a seeded random order.
     */
    private static QueryResult queries(int httpPort, int roles, int warmup, int count) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectMapper mapper = new ObjectMapper();
        Random random = new Random(42);
        String[] cursors = new String[roles];
        Latencies all = new Latencies();
        Latencies first = new Latencies();
        Latencies next = new Latencies();
        long rows = 0;
        for (int i = 0; i < warmup + count; i++) {
            int role = i < roles && i < warmup ? i : random.nextInt(roles);
            boolean nextPage = i >= warmup && i % 2 == 1 && cursors[role] != null;
            String uri = "http://127.0.0.1:" + httpPort + "/api/v1/roles/" + AuditBenchEvents.roleId(role) + "/history"
                    + (nextPage ? "?limit=100&cursor=" + URLEncoder.encode(cursors[role], StandardCharsets.UTF_8) : "");
            HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + TOKEN)
                    .timeout(Duration.ofSeconds(30)).build();
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long elapsed = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode body = mapper.readTree(response.body());
            if (!nextPage && body.path("nextCursor").isTextual()) {
                cursors[role] = body.path("nextCursor").asText();
            }
            if (i >= warmup) {
                all.recordNanos(elapsed);
                (nextPage ? next : first).recordNanos(elapsed);
                rows += body.path("events").size();
            }
        }
        return new QueryResult(all, first, next, (double) rows / count);
    }

    /** The plan of the API's first-page query for one role, as PostgreSQL ran it. */
    private static String explain(Connection db, String roleId) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Statement statement = db.createStatement();
             ResultSet result = statement.executeQuery("EXPLAIN (ANALYZE, BUFFERS) SELECT event_id, type, topic,"
                     + " kafka_partition, kafka_offset, record_key, role_id, server_id, epoch, occurred_at, recorded_at,"
                     + " payload::text AS payload FROM events WHERE true AND role_id = '" + roleId + "'"
                     + " ORDER BY occurred_at, event_id LIMIT 101")) {
            while (result.next()) {
                plan.append(result.getString(1)).append('\n');
            }
        }
        return plan.toString().strip();
    }

    private static void describe(Report report, boolean quick, int events, int roles, Ingest ingest, Batches batches,
            double producerRate,
            Map<String, Long> byType, CopyResult copy, QueryResult queries, String plan, int warmupRequests,
            int requests) {
        double share = ingest.rate() / copy.rate();
        report.setting("events", events)
                .setting("roles", roles)
                .setting("audit.batch.size", "default")
                .setting("audit JVM", String.join(" ", AUDIT_JVM))
                .setting("requests", requests + " after " + warmupRequests + " warm-up")
                .setting("quick", quick);
        report.figure("ingestion rate (first to last stored)", rate(ingest.rate()), "≥ " + rate(RATE_TARGET),
                ingest.rate() >= RATE_TARGET);
        report.figure("ingestion / COPY of the same rows", String.format(Locale.ROOT, "%.0f %% (COPY: %s)",
                100 * share, rate(copy.rate())), "≥ " + Math.round(100 * COPY_SHARE_TARGET) + " %",
                share >= COPY_SHARE_TARGET);
        report.figure("role history p99 (" + events + " events stored)",
                String.format(Locale.ROOT, "%.1f ms", queries.all().percentileMillis(99)),
                "≤ " + Math.round(P99_TARGET_MILLIS) + " ms", queries.all().percentileMillis(99) <= P99_TARGET_MILLIS);
        report.figure("ingestion: duration, best 5 s", String.format(Locale.ROOT, "%.1f s, %s", ingest.seconds(),
                rate(ingest.peakRate())));
        report.figure("stored batches: count, mean size, mean write", String.format(Locale.ROOT,
                "%d, %.0f events, %.1f ms (%.0f %% of the ingestion time)", batches.count(), batches.meanSize(),
                batches.meanWriteMillis(), 100 * batches.writeSeconds() / ingest.seconds()));
        report.figure("producer (before the service started)", rate(producerRate));
        report.table(List.of("role-history request", "p50", "p95", "p99", "max", "n"), List.of(
                latencyRow("first page (default limit 100)", queries.firstPages()),
                latencyRow("next page (limit=100&cursor=...)", queries.nextPages()),
                latencyRow("all", queries.all())));
        List<String> mix = new ArrayList<>();
        byType.forEach((type, n) -> mix.add(type + " " + n));
        report.paragraph("""
                The audit-service as its own process (`%s`, default configuration) with its own database on a real PostgreSQL 17 (fsync and synchronous_commit on, data under the
                run directory) and a real single-node Kafka broker in the benchmark's JVM. A producer in the
                benchmark's JVM publishes %d events as fast as it can (EventCodec, keyed and on the topics the
                services use, `acks=all`): %d roles on %d servers, each role configured, then failovers one role
                after another, the history a busy installation writes: %s. The events are all on the topics before
                the service starts, so that the producer (which shares the two cores) cannot set the pace. The
                ingestion rate is the stored count (the service's `baton_audit_events_stored_total`, read every
                100 ms) from the first sample that saw rows to the one that saw them all; the table then holds
                exactly %d rows. The stored batches are the service's own account (`baton_audit_batch_size`,
                `baton_audit_batch_write_seconds`): their write time over the ingestion time is how much of it the
                writer thread spent in PostgreSQL. Then, in the same
                run and on the same PostgreSQL, the same rows are exported (`COPY events TO STDOUT`) and loaded with
                `COPY ... FROM STDIN` (pgjdbc's CopyManager, %.0f MB) into `CREATE TABLE copy_bench (LIKE events
                INCLUDING ALL)`, with the same indexes, timed to its commit: the rate PostgreSQL itself reaches for
                these rows on this machine.
                """.formatted(String.join(" ", AUDIT_JVM), events, roles, AuditBenchEvents.SERVERS,
                String.join(", ", mix), events, copy.bytes() / 1e6));
        report.paragraph("""
                History queries: after `VACUUM (ANALYZE) events` (what autovacuum does on its own after such an
                insert), `GET /api/v1/roles/{roleId}/history` with the bearer token, one request at a time on one
                HTTP/1.1 connection from the benchmark's JVM, over the %d roles in a seeded random order: the first
                page of a role's history (default limit, 100) alternating with the page after it
                (`limit=100&cursor=<nextCursor>`); %.0f events per answer on average. The plan of the first page,
                as PostgreSQL ran it:
                """.formatted(roles, queries.meanRows()) + "\n```\n" + plan + "\n```");
    }

    private static List<String> latencyRow(String name, Latencies latencies) {
        if (latencies.count() == 0) {
            return List.of(name, "–", "–", "–", "–", "0 (no role had a second page)");
        }
        return List.of(name, millis(latencies.percentileMillis(50)), millis(latencies.percentileMillis(95)),
                millis(latencies.percentileMillis(99)), millis(latencies.maxNanos() / 1e6),
                Long.toString(latencies.count()));
    }

    private static String millis(double millis) {
        return String.format(Locale.ROOT, "%.1f ms", millis);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f events/s", perSecond);
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }
}
