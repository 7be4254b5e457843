package dev.baton.bench;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleConfigured;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.Topic;
import dev.baton.testkit.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * RSS and CPU of an idle heartbeat-agent (its own process, the JVM options its README recommends, the default
 * heartbeat interval, no roles), then of the same agent running one role of the built-in sample plugin.
 */
@Command(name = "agent-footprint", mixinStandardHelpOptions = true,
        description = "RSS and CPU of an idle agent at the default heartbeat rate.")
public final class AgentFootprintBench implements Callable<Integer> {
    /** heartbeat-agent/README.md and LocalRun's AGENT_JVM: the agent's small footprint. */
    static final List<String> AGENT_JVM = List.of("-Xmx64m", "-Xmn8m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=32m", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=0.1", "-XX:-UsePerfData");
    static final long RSS_TARGET_KIB = 128 * 1024;
    static final double CPU_TARGET_PERCENT = 2.0;
    private static final String SERVER_ID = "bench-agent-1";
    private static final String ROLE_ID = "bench-sample";

    @Mixin
    BenchOptions options;

    /** What one phase measured. */
    record Phase(String name, double cpuPercent, double maxCpuPercent, long maxRssKiB, long meanRssKiB, int samples,
            double heartbeatsPerSecond) {
    }

    @Override
    public Integer call() throws Exception {
        boolean quick = options.quick();
        Duration warmup = Duration.ofSeconds(quick ? 5 : 30);
        Duration measure = Duration.ofSeconds(quick ? 10 : 60);
        Path workDir = options.workDir("agent-footprint");
        System.err.println("agent-footprint: run directory " + workDir);
        int httpPort = FreePorts.next();
        List<Phase> phases = new ArrayList<>();
        try (Infra infra = Infra.kafka();
             ServiceProcess agent = ServiceProcess.start(SERVER_ID, Repository.jar("heartbeat-agent", workDir),
                     AGENT_JVM, agentConfig(infra.bootstrapServers(), httpPort, workDir), workDir)) {
            agent.awaitReady(httpPort, Duration.ofSeconds(120));
            try (HeartbeatCounter heartbeats = new HeartbeatCounter(infra.bootstrapServers(), SERVER_ID)) {
                System.err.printf("agent-footprint: idle agent ready (pid %d); %d s warm-up, %d s measured%n",
                        agent.pid(), warmup.toSeconds(), measure.toSeconds());
                phases.add(measure("idle, no roles", agent, heartbeats, warmup, measure));

                GatewayBench.publish(infra.bootstrapServers(), List.of(
                        new RoleConfigured(UUID.randomUUID(), Instant.now(), ROLE_ID, 1, List.of(SERVER_ID), false, 0,
                                null, null, "bench"),
                        new RoleAssignment(UUID.randomUUID(), Instant.now(), ROLE_ID, 1, SERVER_ID, null,
                                MoveReason.INITIAL)));
                awaitRunning(infra.bootstrapServers(), Duration.ofSeconds(60));
                System.err.println("agent-footprint: " + ROLE_ID + " RUNNING on the agent (sample plugin)");
                phases.add(measure("one role (sample plugin)", agent, heartbeats, warmup, measure));
            }
        }

        Phase idle = phases.get(0);
        Report report = new Report("agent-footprint", "Agent footprint",
                "bench/run agent-footprint" + (quick ? " --quick" : ""));
        report.setting("JVM", String.join(" ", AGENT_JVM))
                .setting("heartbeat.interval", "100ms (default)")
                .setting("warm-up", warmup.toSeconds() + " s")
                .setting("measured", measure.toSeconds() + " s, one sample a second")
                .setting("quick", quick);
        report.figure("idle agent: CPU", cpu(idle.cpuPercent()) + " of one core",
                "≤ " + cpu(CPU_TARGET_PERCENT), idle.cpuPercent() <= CPU_TARGET_PERCENT);
        report.figure("idle agent: max RSS", mib(idle.maxRssKiB()), "≤ " + mib(RSS_TARGET_KIB),
                idle.maxRssKiB() <= RSS_TARGET_KIB);
        if (phases.size() > 1) {
            Phase role = phases.get(1);
            report.figure("agent with one sample role: CPU / max RSS", cpu(role.cpuPercent()) + " / "
                    + mib(role.maxRssKiB()));
        }
        List<List<String>> rows = new ArrayList<>();
        for (Phase phase : phases) {
            rows.add(List.of(phase.name(), cpu(phase.cpuPercent()), cpu(phase.maxCpuPercent()), mib(phase.meanRssKiB()),
                    mib(phase.maxRssKiB()), Integer.toString(phase.samples()),
                    String.format(Locale.ROOT, "%.1f/s", phase.heartbeatsPerSecond())));
        }
        report.table(List.of("agent", "CPU (mean, of one core)", "CPU (busiest second)", "RSS (mean)", "RSS (max)",
                "samples", "heartbeats seen"), rows);
        report.paragraph("""
                One heartbeat-agent as its own process, started as heartbeat-agent/README.md recommends (`%s`, as
                `./baton up` starts its agents), with the default configuration (heartbeat every 100 ms, lease
                500 ms) against a real single-node Kafka broker (in the benchmark's JVM), and no roles: no
                placement-service runs, so nothing is assigned to it. After %d s of warm-up, its CPU time
                (utime + stime) and resident set size (VmRSS) are read from /proc every second for %d s; CPU is
                the whole interval's CPU time divided by its length, in percent of one core. The heartbeats the
                broker received from it during the measure are counted by a consumer, to show it was heartbeating
                at its rate. Then the second line: one role of the built-in sample plugin assigned to it, the way
                the placement-service does (a `RoleConfigured` and a `RoleAssignment` with this server), measured
                the same way once the agent reported it RUNNING.
                """.formatted(String.join(" ", AGENT_JVM), warmup.toSeconds(), measure.toSeconds()));
        report.publish(options.docsFile());
        return 0;
    }

    private static Map<String, String> agentConfig(String bootstrap, int httpPort, Path workDir) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("server.id", SERVER_ID);
        config.put("kafka.bootstrap.servers", bootstrap);
        config.put("advertised.host", "127.0.0.1");
        config.put("http.host", "127.0.0.1");
        config.put("http.port", Integer.toString(httpPort));
        config.put("plugin.work.dir", workDir.resolve("agent-work").toString());
        return config;
    }

    /** Waits {@code warmup} (a fixed phase of the measure), then samples once a second for {@code measure}. */
    private static Phase measure(String name, ServiceProcess agent, HeartbeatCounter heartbeats, Duration warmup,
            Duration measure) {
        LockSupport.parkNanos(warmup.toNanos());
        List<ProcStats.Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long heartbeatsBefore = heartbeats.count();
        samples.add(agent.sample());
        for (int second = 1; second <= measure.toSeconds(); second++) {
            long due = start + TimeUnit.SECONDS.toNanos(second);
            for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            if (!agent.alive()) {
                throw new IllegalStateException("the agent exited during the measure; see " + agent.logFile());
            }
            samples.add(agent.sample());
        }
        long heartbeatsSeen = heartbeats.count() - heartbeatsBefore;
        ProcStats.Sample first = samples.get(0);
        ProcStats.Sample last = samples.get(samples.size() - 1);
        double maxCpu = 0;
        long maxRss = 0;
        long sumRss = 0;
        for (int i = 0; i < samples.size(); i++) {
            if (i > 0) {
                maxCpu = Math.max(maxCpu, samples.get(i).cpuPercentSince(samples.get(i - 1)));
            }
            maxRss = Math.max(maxRss, samples.get(i).rssKiB());
            sumRss += samples.get(i).rssKiB();
        }
        double seconds = (last.atNanos() - first.atNanos()) / 1e9;
        Phase phase = new Phase(name, last.cpuPercentSince(first), maxCpu, maxRss, sumRss / samples.size(),
                samples.size(), heartbeatsSeen / seconds);
        System.err.printf(Locale.ROOT, "agent-footprint: %s: CPU %.2f %%, max RSS %s, %.1f heartbeats/s%n", name,
                phase.cpuPercent(), mib(maxRss), phase.heartbeatsPerSecond());
        return phase;
    }

    /** Waits for the agent's RoleStateChanged RUNNING of the role on {@code role-events}. */
    private static void awaitRunning(String bootstrap, Duration timeout) {
        EventCodec codec = new EventCodec();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            String topic = Topic.ROLE_EVENTS.topicName();
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    BatonEvent event;
                    try {
                        event = codec.decode(record.value());
                    } catch (EventDecodingException e) {
                        continue;
                    }
                    if (event instanceof RoleStateChanged s && s.roleId().equals(ROLE_ID)
                            && s.serverId().equals(SERVER_ID)) {
                        if (s.state() == RoleState.RUNNING) {
                            return;
                        }
                        if (s.state() == RoleState.FAILED) {
                            throw new IllegalStateException(ROLE_ID + " FAILED on the agent: " + s.detail());
                        }
                    }
                }
            }
        }
        throw new IllegalStateException(ROLE_ID + " not RUNNING on the agent within " + timeout.toSeconds() + " s");
    }

    static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Counts the agent's heartbeats as the broker stores them, on a thread of its own. */
    private static final class HeartbeatCounter implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final AtomicLong count = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        HeartbeatCounter(String bootstrap, String serverId) {
            consumer = consumer(bootstrap);
            String topic = Topic.HEARTBEATS.topicName();
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            thread = new Thread(() -> {
                try {
                    while (running) {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            if (serverId.equals(record.key())) {
                                count.incrementAndGet();
                            }
                        }
                    }
                } catch (org.apache.kafka.common.errors.WakeupException e) {
                    // closing
                } finally {
                    consumer.close();
                }
            }, "bench-heartbeat-counter");
            thread.setDaemon(true);
            thread.start();
        }

        long count() {
            return count.get();
        }

        @Override
        public void close() {
            running = false;
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String cpu(double percent) {
        return String.format(Locale.ROOT, "%.2f %%", percent);
    }

    static String mib(long kib) {
        return String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
    }
}
