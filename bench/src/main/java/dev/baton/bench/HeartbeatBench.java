package dev.baton.bench;

import static dev.baton.bench.HeartbeatBenchSupport.millis;
import static dev.baton.bench.HeartbeatBenchSupport.number;
import static dev.baton.bench.HeartbeatBenchSupport.percent;
import static dev.baton.bench.HeartbeatBenchSupport.rate;

import dev.baton.events.Topic;
import dev.baton.runtime.kafka.KafkaSettings;
import dev.baton.runtime.kafka.TopicBootstrap;
import dev.baton.testkit.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Heartbeat ingestion: simulated servers heartbeating at 10 Hz each, stepped up until the placement-service's
 * reading of the heartbeat stream falls behind; beside it a plain kafka-clients consumer reads the same records.
 */
@Command(name = "heartbeats", mixinStandardHelpOptions = true, description = "Heartbeat ingestion.")
public final class HeartbeatBench implements Callable<Integer> {
    static final double TARGET_RATE = 100_000;
    static final double TARGET_RATIO = 0.5;
    static final String LAG = "baton_placement_heartbeat_lag_seconds";
    static final String CONSUMED = "baton_placement_heartbeats_total";

    @Mixin
    BenchOptions options;

    @Option(names = "--servers", split = ",", description = "Simulated servers per step (default 1000,2000,5000,"
            + "10000,15000,20000,25000,30000; --quick: 200,500).")
    List<Integer> steps;

    @Option(names = "--threads", description = "Sender threads of the load (default ${DEFAULT-VALUE}).")
    int threads = 2;

    @Option(names = "--lag-limit-ms", description = "A step is sustained while the p99 of the sampled detection "
            + "lag stays at or below this (default ${DEFAULT-VALUE}).")
    long lagLimitMs = 250;

    @Option(names = "--failure-timeout", description = "The placement's failure.timeout (default: the service's "
            + "default). The load generator shares the cores with the broker and the placement; when it falls behind, "
            + "simulated servers look DOWN, and the DOWN/UP transitions become the placement's work instead of the "
            + "heartbeats. A longer timeout keeps the measure on ingestion.")
    String failureTimeout;

    @Option(names = "--jfr", description = "Record the placement-service with Java Flight Recorder (profile "
            + "settings) into the run directory.")
    boolean jfr;

    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);
    private static final double MIN_CONSUMED_SHARE = 0.98;
    private static final double MIN_PRODUCED_SHARE = 0.95;

    /** What one step measured. */
    record Step(int servers, double nominalRate, double producedRate, double appendedRate, double consumedRate,
            Latencies lag, double joinSeconds, double joinMaxLagMs, double placementCpu, double benchCpu,
            double plainRate, long downs, long failedSends, String verdict, boolean sustained) {
    }

    @Override
    public Integer call() throws Exception {
        boolean quick = options.quick();
        List<Integer> servers = steps != null ? steps
                : quick ? List.of(200, 500) : List.of(1000, 2000, 5000, 10000, 15000, 20000, 25000, 30000);
        Duration warmUp = quick ? Duration.ofSeconds(2) : Duration.ofSeconds(5);
        Duration window = quick ? Duration.ofSeconds(5) : Duration.ofSeconds(25);
        Duration joinTimeout = quick ? Duration.ofSeconds(60) : Duration.ofMinutes(3);
        Path workDir = options.workDir("heartbeats");
        String namespace = "bench-hb";
        List<Step> results = new ArrayList<>();
        String placementMode;
        try (Infra infra = Infra.kafkaAndPostgres(workDir)) {
            String dbUrl = infra.createDatabase("heartbeats");
            KafkaSettings kafka = new KafkaSettings(infra.bootstrapServers(), namespace, "bench-heartbeats");
            TopicBootstrap.ensureAll(kafka, Duration.ofSeconds(60));
            int port = FreePorts.next();
            List<String> extraJvm = jfr ? List.of("-XX:StartFlightRecording=filename="
                    + workDir.resolve("placement.jfr") + ",settings=profile,dumponexit=true") : List.of();
            ServiceProcess placement = HeartbeatBenchSupport.startPlacement("placement", infra, namespace, dbUrl, port,
                    workDir, extraJvm, failureTimeout == null ? Map.of() : Map.of("failure.timeout", failureTimeout));
            placementMode = "a process (`java " + String.join(" ", HeartbeatBenchSupport.PLACEMENT_JVM)
                    + " -jar placement-service.jar`)";
            AtomicLong acked = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            List<HeartbeatBenchLoad.Server> simulated = new ArrayList<>();
            HeartbeatBenchLoad load = null;
            try (DownWatcher downs = new DownWatcher(kafka)) {
                for (int n : servers) {
                    while (simulated.size() < n) {
                        simulated.add(new HeartbeatBenchLoad.Server(simulated.size() + 1));
                    }
                    if (load != null) {
                        load.close();
                    }
                    load = new HeartbeatBenchLoad(kafka, List.copyOf(simulated), INTERVAL, threads,
                            HeartbeatBenchLoad.producerSettings(), acked, failed);
                    Step step = step(n, kafka, placement, port, load, acked, failed, downs, warmUp, window, joinTimeout);
                    results.add(step);
                    System.err.printf(Locale.ROOT, "heartbeats: %,d servers: produced %s, placement consumed %s, "
                            + "lag %s, plain consumer %s, placement CPU %.0f%%: %s%n", n, rate(step.producedRate()),
                            rate(step.consumedRate()), step.lag().summaryMillis(), rate(step.plainRate()),
                            step.placementCpu(), step.verdict());
                    if (!step.sustained()) {
                        break;
                    }
                }
            } finally {
                if (load != null) {
                    load.close();
                }
                if (jfr) {
                    placement.terminate();
                    placement.awaitExit(Duration.ofSeconds(60));
                }
                placement.close();
            }
        }
        Report report = report(results, quick, warmUp, window, placementMode);
        report.publish(options.docsFile());
        return 0;
    }

    private Step step(int n, KafkaSettings kafka, ServiceProcess placement, int port, HeartbeatBenchLoad load,
            AtomicLong acked, AtomicLong failed, DownWatcher downs, Duration warmUp, Duration window,
            Duration joinTimeout) throws InterruptedException {
        // Joining: every new server registers with its first heartbeat; wait until placement knows all of them.
        long joinStart = System.nanoTime();
        long deadline = joinStart + joinTimeout.toNanos();
        double joinMaxLag = 0;
        while (true) {
            requireAlive(placement);
            String metrics = HeartbeatBenchSupport.get(port, "/metrics");
            joinMaxLag = Math.max(joinMaxLag, HeartbeatBenchSupport.metric(metrics, LAG).orElse(0) * 1000);
            long known = HeartbeatBenchSupport.jsonNumber(HeartbeatBenchSupport.get(port, "/health/ready", true),
                    "servers");
            if (known >= n) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("placement knows " + known + " of " + n + " servers after "
                        + joinTimeout.toSeconds() + " s; see " + placement.logFile());
            }
            Thread.sleep(SAMPLE_EVERY.toMillis());
        }
        double joinSeconds = (System.nanoTime() - joinStart) / 1e9;
        Thread.sleep(warmUp.toMillis()); // a fixed warm-up, not a wait for a condition

        long ackedBefore = acked.get();
        long failedBefore = failed.get();
        long downsBefore = downs.count();
        double consumedBefore = consumed(port);
        ProcStats.Sample cpuBefore = placement.sample();
        ProcStats.Sample benchBefore = ProcStats.sample(ProcessHandle.current().pid());
        long windowStartMillis = System.currentTimeMillis();
        long windowStart = System.nanoTime();
        long windowEnd = windowStart + window.toNanos();
        Latencies lag = new Latencies();
        long next = windowStart;
        while (System.nanoTime() < windowEnd) {
            requireAlive(placement);
            OptionalDouble seconds = HeartbeatBenchSupport.metric(HeartbeatBenchSupport.get(port, "/metrics"), LAG);
            if (seconds.isEmpty() || Double.isNaN(seconds.getAsDouble())) {
                throw new IllegalStateException("placement's /metrics has no " + LAG);
            }
            lag.recordNanos((long) (seconds.getAsDouble() * 1e9));
            next += SAMPLE_EVERY.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        double elapsed = (System.nanoTime() - windowStart) / 1e9;
        long windowEndMillis = System.currentTimeMillis();
        double producedRate = (acked.get() - ackedBefore) / elapsed;
        double consumedRate = (consumed(port) - consumedBefore) / elapsed;
        double placementCpu = placement.sample().cpuPercentSince(cpuBefore);
        double benchCpu = ProcStats.sample(ProcessHandle.current().pid()).cpuPercentSince(benchBefore);
        long stepDowns = downs.count() - downsBefore;
        long failedSends = failed.get() - failedBefore;
        // The plain consumer reads the window's records, as fast as it can, while the load goes on.
        Backlog backlog = readBacklog(kafka, windowStartMillis, windowEndMillis);
        double appendedRate = backlog.records() / ((windowEndMillis - windowStartMillis) / 1000.0);
        double nominal = n * 1000.0 / INTERVAL.toMillis();

        String verdict;
        boolean sustained = false;
        if (producedRate < MIN_PRODUCED_SHARE * nominal) {
            verdict = "load short of its rate (" + percent(producedRate / nominal) + "): the load generator, not "
                    + "placement, is the limit";
        } else if (failedSends > 0) {
            verdict = number(failedSends) + " sends failed: " + load.firstError();
        } else if (lag.percentileMillis(99) > lagLimitMs) {
            verdict = "lag p99 " + millis(lag.percentileMillis(99)) + " > " + lagLimitMs + " ms";
        } else if (consumedRate < MIN_CONSUMED_SHARE * appendedRate) {
            verdict = "placement consumed " + percent(consumedRate / appendedRate) + " of the records appended";
        } else {
            verdict = "sustained";
            sustained = true;
        }
        return new Step(n, nominal, producedRate, appendedRate, consumedRate, lag, joinSeconds, joinMaxLag,
                placementCpu, benchCpu, backlog.rate(), stepDowns, failedSends, verdict, sustained);
    }

    private static void requireAlive(ServiceProcess placement) {
        if (!placement.alive()) {
            throw new IllegalStateException("placement-service exited; see " + placement.logFile());
        }
    }

    private static double consumed(int port) {
        return HeartbeatBenchSupport.metric(HeartbeatBenchSupport.get(port, "/metrics"), CONSUMED)
                .orElseThrow(() -> new IllegalStateException("placement's /metrics has no " + CONSUMED));
    }

    record Backlog(long records, double rate) {
    }

    /**
     * A plain consumer with the placement's consumer settings ({@link KafkaSettings#consumer}: read_committed, no
     * group, every partition assigned) reads the heartbeat records appended in [{@code fromMillis},
     * {@code toMillis}) as fast as it can: the records per second it achieves.
     */
    static Backlog readBacklog(KafkaSettings kafka, long fromMillis, long toMillis) {
        String topic = kafka.topic(Topic.HEARTBEATS);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(null, "bench-plain"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            Map<TopicPartition, Long> from = offsets(consumer, partitions, fromMillis);
            Map<TopicPartition, Long> to = offsets(consumer, partitions, toMillis);
            long expected = 0;
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, from.get(tp));
                expected += to.get(tp) - from.get(tp);
            }
            long read = 0;
            long started = System.nanoTime();
            long deadline = started + Duration.ofMinutes(2).toNanos();
            Map<TopicPartition, Boolean> done = new HashMap<>();
            while (done.size() < partitions.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the plain consumer read " + read + " of " + expected
                            + " records in 2 minutes");
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, byte[]> record : records) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < to.get(tp)) {
                        read++;
                    }
                }
                for (TopicPartition tp : partitions) {
                    if (consumer.position(tp) >= to.get(tp)) {
                        done.put(tp, true);
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Backlog(read, read / seconds);
        }
    }

    /** The first offset at or after {@code millis} per partition (the end offset when there is none). */
    private static Map<TopicPartition, Long> offsets(KafkaConsumer<String, byte[]> consumer,
            List<TopicPartition> partitions, long millis) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, millis));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> result = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            result.put(tp, at == null ? ends.get(tp) : at.offset());
        }
        return result;
    }

    /** Counts ServerDown events on server-events from now on: a DOWN under load is a false detection here. */
    static final class DownWatcher implements AutoCloseable {
        private static final byte[] MARKER = "\"type\":\"ServerDown\"".getBytes(StandardCharsets.UTF_8);
        private final AtomicLong downs = new AtomicLong();
        private final KafkaConsumer<String, byte[]> consumer;
        private final Thread thread;
        private volatile boolean running = true;

        DownWatcher(KafkaSettings kafka) {
            consumer = new KafkaConsumer<>(kafka.consumer(null, "bench-downs"));
            String topic = kafka.topic(Topic.SERVER_EVENTS);
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = new Thread(this::run, "bench-down-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.value() != null && contains(record.value(), MARKER)) {
                            downs.incrementAndGet();
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } finally {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
            }
        }

        static boolean contains(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }

        long count() {
            return downs.get();
        }

        @Override
        public void close() {
            running = false;
            consumer.wakeup();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Report report(List<Step> results, boolean quick, Duration warmUp, Duration window, String placementMode) {
        Step best = null;
        double plainMax = 0;
        for (Step step : results) {
            if (step.sustained()) {
                best = step;
            }
            plainMax = Math.max(plainMax, step.plainRate());
        }
        double sustainedRate = best == null ? 0 : best.producedRate();
        double ratio = plainMax == 0 ? 0 : sustainedRate / plainMax;
        Step last = results.isEmpty() ? null : results.get(results.size() - 1);
        boolean ranOut = last != null && last.sustained();
        Report report = new Report("heartbeats", "Heartbeat ingestion", "bench/run heartbeats" + (quick ? " --quick" : ""))
                .setting("servers per step", results.stream().map(s -> Integer.toString(s.servers())).toList())
                .setting("heartbeat interval", INTERVAL.toMillis() + " ms")
                .setting("placement failure.timeout", failureTimeout == null ? "default (350ms)" : failureTimeout)
                .setting("warm-up", warmUp.toSeconds() + " s")
                .setting("window", window.toSeconds() + " s")
                .setting("lag sample", "every " + SAMPLE_EVERY.toMillis() + " ms")
                .setting("lag limit", "p99 <= " + lagLimitMs + " ms")
                .setting("sender threads", threads)
                .setting("load producer", "linger.ms=5, batch.size=128 KiB, acks=all, idempotent")
                .setting("heartbeat partitions", Topic.HEARTBEATS.partitions())
                .setting("placement JVM", String.join(" ", HeartbeatBenchSupport.PLACEMENT_JVM));
        report.figure("highest sustained heartbeat rate" + (ranOut ? " (every step sustained)" : ""),
                rate(sustainedRate) + (best == null ? "" : " (" + number(best.servers()) + " servers)"),
                "≥ 100,000/s", sustainedRate >= TARGET_RATE);
        report.figure("plain kafka-clients consumer, same topic and settings (fastest backlog read)", rate(plainMax));
        report.figure("placement / plain consumer", percent(ratio), "≥ 50%", ratio >= TARGET_RATIO);
        report.paragraph("""
                Setup: the placement-service runs as %s on a real PostgreSQL (its own database) and a real Kafka \
                broker (one KRaft node in the benchmark's JVM), topics in namespace `bench-hb`. Simulated servers are \
                sender threads in the benchmark's JVM: each server sends a real `Heartbeat` (encoded by `EventCodec`, \
                keyed by its id, no roles) every 100 ms on the heartbeat topic, paced against a schedule that spreads \
                the servers evenly over the interval; N servers make 10·N heartbeats per second. Each step adds \
                servers; the new ones register with their first heartbeat (a `ServerJoined` and a row in PostgreSQL \
                each), and the step starts once placement's `/health/ready` counts all of them (the join time), then \
                waits the warm-up and measures for the window. Detection lag is placement's gauge `%s` \
                (now minus how far its consumer has read the heartbeat stream, the instant its failure detector \
                judges silence up to), read from `/metrics` every %d ms; consumed is the counter `%s`. A step is \
                sustained when the load reached 95%% of its nominal rate, the p99 of the lag samples is at most \
                %d ms, and placement consumed at least 98%% of the records the broker appended in the window. After \
                each window a plain `KafkaConsumer` with the placement's consumer settings (`read_committed`, every \
                partition assigned, no group) reads that window's records from the broker as fast as it can while \
                the load goes on; its fastest read is the comparison. `ServerDown` events during a window would be \
                false detections (every simulated server keeps heartbeating).""".formatted(placementMode, LAG,
                SAMPLE_EVERY.toMillis(), CONSUMED, lagLimitMs));
        List<List<String>> rows = new ArrayList<>();
        for (Step s : results) {
            rows.add(List.of(number(s.servers()), rate(s.nominalRate()), rate(s.producedRate()),
                    rate(s.consumedRate()), String.format(Locale.ROOT, "%.0f / %.0f / %.0f ms",
                            s.lag().percentileMillis(50), s.lag().percentileMillis(99), s.lag().maxNanos() / 1e6),
                    String.format(Locale.ROOT, "%.1f s (lag max %.0f ms)", s.joinSeconds(), s.joinMaxLagMs()),
                    String.format(Locale.ROOT, "%.0f%%", s.placementCpu()),
                    String.format(Locale.ROOT, "%.0f%%", s.benchCpu()), rate(s.plainRate()),
                    Long.toString(s.downs()), s.verdict()));
        }
        report.table(List.of("servers", "nominal", "produced", "placement consumed", "lag p50 / p99 / max",
                "join", "placement CPU", "bench JVM CPU (load + broker)", "plain consumer", "ServerDown", "step"), rows);
        if (best == null) {
            report.paragraph("No step was sustained.");
        }
        return report;
    }
}
