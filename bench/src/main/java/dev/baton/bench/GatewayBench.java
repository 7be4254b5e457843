package dev.baton.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.events.BatonEvent;
import dev.baton.events.Endpoint;
import dev.baton.events.EventCodec;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.testkit.Await;
import dev.baton.testkit.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The gateway's data path beside a direct connection and HAProxy in {@code mode tcp}, in the same run: bulk
 * throughput (iperf3, one stream) and 64-byte request/response round trips (an echo server, one connection, one
 * request at a time).
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Gateway data path: throughput and latency beside a direct connection and HAProxy.")
public final class GatewayBench implements Callable<Integer> {
    /** The gateway's JVM: bounded heap, serial GC (two cores), the JIT's default tiers. */
    static final List<String> GATEWAY_JVM = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");
    static final List<String> ECHO_JVM = List.of("-Xmx64m", "-XX:+UseSerialGC");
    static final int MESSAGE_BYTES = 64;
    /** Round trips per path before the next path takes its turn. */
    static final int BLOCK = 1_000;
    private static final String TOKEN = "bench-gateway-token-0123456789";
    private static final String BULK_ROLE = "bench-bulk";
    private static final String ECHO_ROLE = "bench-echo";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    @Mixin
    BenchOptions options;

    @Option(names = "--haproxy-threads", defaultValue = "1",
            description = "HAProxy's nbthread (default ${DEFAULT-VALUE}: one thread, like the gateway's one event loop).")
    int haproxyThreads;

    /** One path's results. */
    record PathResult(String path, double bitsPerSecond, long retransmits, double proxyCpuPercent, Latencies roundTrips) {
    }

    @Override
    public Integer call() throws Exception {
        boolean quick = options.quick();
        int seconds = quick ? 3 : 10;
        int omit = quick ? 1 : 2;
        int warmup = quick ? 2_000 : 10_000;
        int roundTrips = quick ? 5_000 : 50_000;
        ToolProcess.require("iperf3", "iperf3");
        ToolProcess.require("haproxy", "haproxy");
        Path workDir = options.workDir("gateway");
        System.err.println("gateway: run directory " + workDir);

        int iperfPort = FreePorts.next();
        int echoPort = FreePorts.next();
        int gatewayBulkPort = FreePorts.next();
        int gatewayEchoPort = FreePorts.next();
        int gatewayHttpPort = FreePorts.next();
        int haproxyBulkPort = FreePorts.next();
        int haproxyEchoPort = FreePorts.next();
        Path haproxyConfig = Files.writeString(workDir.resolve("haproxy.cfg"),
                haproxyConfig(haproxyThreads, haproxyBulkPort, iperfPort, haproxyEchoPort, echoPort));

        List<PathResult> results = new ArrayList<>();
        try (Infra infra = Infra.kafka();
             ToolProcess iperfServer = ToolProcess.start("iperf3-server",
                     List.of("iperf3", "-s", "-B", "127.0.0.1", "-p", Integer.toString(iperfPort)), workDir);
             ToolProcess echo = ToolProcess.start("echo-server", javaMain(ECHO_JVM, EchoServer.class,
                     Integer.toString(echoPort)), workDir);
             ToolProcess haproxy = ToolProcess.start("haproxy",
                     List.of("haproxy", "-db", "-f", haproxyConfig.toString()), workDir);
             ServiceProcess gateway = ServiceProcess.start("proxy-gateway", Repository.jar("proxy-gateway", workDir),
                     GATEWAY_JVM, gatewayConfig(infra.bootstrapServers(), gatewayBulkPort, gatewayEchoPort,
                             gatewayHttpPort), workDir)) {
            iperfServer.awaitListening(iperfPort, START_TIMEOUT);
            echo.awaitListening(echoPort, START_TIMEOUT);
            haproxy.awaitListening(haproxyBulkPort, START_TIMEOUT).awaitListening(haproxyEchoPort, START_TIMEOUT);
            gateway.awaitReady(gatewayHttpPort, START_TIMEOUT);
            publish(infra.bootstrapServers(), List.of(
                    assignment(BULK_ROLE, new Endpoint("127.0.0.1", iperfPort)),
                    assignment(ECHO_ROLE, new Endpoint("127.0.0.1", echoPort))));
            awaitRoutesRunning(gatewayHttpPort, List.of(BULK_ROLE, ECHO_ROLE), Duration.ofSeconds(60));
            System.err.println("gateway: routes RUNNING; haproxy, iperf3 and the echo server listening");

            record Path3(String name, int bulkPort, int echoPort, Long proxyPid) {
            }
            List<Path3> paths = List.of(
                    new Path3("direct", iperfPort, echoPort, null),
                    new Path3("proxy-gateway", gatewayBulkPort, gatewayEchoPort, gateway.pid()),
                    new Path3("HAProxy", haproxyBulkPort, haproxyEchoPort, haproxy.pid()));
            Map<String, JsonNode> iperf = new LinkedHashMap<>();
            Map<String, Double> cpu = new HashMap<>();
            for (Path3 path : paths) {
                System.err.printf("gateway: iperf3 %s (%d s after %d s omitted)%n", path.name(), seconds, omit);
                ProcStats.Sample before = path.proxyPid() == null ? null : ProcStats.sample(path.proxyPid());
                JsonNode json = iperf(path.bulkPort(), seconds, omit, workDir.resolve("iperf3-" + slug(path.name())
                        + ".json"));
                if (before != null) {
                    cpu.put(path.name(), ProcStats.sample(path.proxyPid()).cpuPercentSince(before));
                }
                iperf.put(path.name(), json);
            }
            System.err.printf("gateway: %d + %d round trips of %d bytes per path, interleaved in blocks of %d%n", warmup,
                    roundTrips, MESSAGE_BYTES, BLOCK);
            List<Latencies> latencies = roundTrips(paths.stream().map(Path3::echoPort).toList(), warmup, roundTrips);
            for (int i = 0; i < paths.size(); i++) {
                JsonNode json = iperf.get(paths.get(i).name());
                results.add(new PathResult(paths.get(i).name(), bitsPerSecond(json), retransmits(json),
                        cpu.getOrDefault(paths.get(i).name(), Double.NaN), latencies.get(i)));
            }
        }

        PathResult direct = results.get(0);
        PathResult baton = results.get(1);
        PathResult ha = results.get(2);
        Report report = new Report("gateway", "Gateway data path",
                "bench/run gateway" + (quick ? " --quick" : "") + (haproxyThreads != 1 ? " --haproxy-threads "
                        + haproxyThreads : ""));
        report.setting("iperf3", "-t " + seconds + " -O " + omit + " -J, one stream")
                .setting("round trips", roundTrips + " after " + warmup + " warm-up, " + MESSAGE_BYTES + " bytes")
                .setting("gateway JVM", String.join(" ", GATEWAY_JVM))
                .setting("haproxy", "mode tcp, nbthread " + haproxyThreads)
                .setting("quick", quick);
        report.figure("throughput, gateway", gbits(baton.bitsPerSecond()) + " (" + percent(baton.bitsPerSecond()
                        / direct.bitsPerSecond()) + " of direct)",
                "≥ HAProxy (" + gbits(ha.bitsPerSecond()) + ")", baton.bitsPerSecond() >= ha.bitsPerSecond());
        report.figure("64-byte round trip p50, gateway", micros(baton.roundTrips().percentileMicros(50)),
                "≤ HAProxy (" + micros(ha.roundTrips().percentileMicros(50)) + ")",
                baton.roundTrips().percentileNanos(50) <= ha.roundTrips().percentileNanos(50));
        report.figure("throughput, direct / HAProxy", gbits(direct.bitsPerSecond()) + " / " + gbits(ha.bitsPerSecond()));
        report.figure("64-byte round trip p50, direct / HAProxy", micros(direct.roundTrips().percentileMicros(50))
                + " / " + micros(ha.roundTrips().percentileMicros(50)));
        List<List<String>> rows = new ArrayList<>();
        for (PathResult r : results) {
            rows.add(List.of(r.path(), gbits(r.bitsPerSecond()), percent(r.bitsPerSecond() / direct.bitsPerSecond()),
                    Long.toString(r.retransmits()),
                    Double.isNaN(r.proxyCpuPercent()) ? "–" : String.format(Locale.ROOT, "%.0f %%", r.proxyCpuPercent()),
                    micros(r.roundTrips().percentileMicros(50)), micros(r.roundTrips().percentileMicros(99)),
                    micros(r.roundTrips().maxNanos() / 1e3),
                    r == direct ? "–" : "+" + micros(r.roundTrips().percentileMicros(50)
                            - direct.roundTrips().percentileMicros(50))));
        }
        report.table(List.of("path", "throughput", "of direct", "retransmits", "proxy CPU (of one core)",
                "RTT p50", "RTT p99", "RTT max", "p50 added"), rows);
        report.paragraph("""
                Three paths to the same backends on this machine, measured one after the other in one run: **direct**
                (client to backend), through **proxy-gateway** (its own JVM, %s, epoll; a route per backend, learnt
                the way the placement publishes it: a `RoleAssignment` with the backend's endpoint on
                `role-assignments` of a real broker) and through **HAProxy** %s (Debian package, `mode tcp`, one
                frontend and backend per backend, `nbthread %d`). Throughput: `iperf3 -s` as its own process, and
                `iperf3 -c 127.0.0.1 -t %d -O %d -J` (one stream, the first %d s omitted: slow start and the JIT),
                the receiver's bits per second; the proxy's CPU is its own over the whole iperf3 run, in percent of
                one core. Latency: an echo server as its own process (blocking Java sockets, TCP_NODELAY) and a client
                in the benchmark's JVM doing %d-byte request/response round trips on one connection per path, one at a
                time: %d warm-up round trips per path, then %d measured per path, the paths taking turns in blocks of
                %d so that a change of the machine's load falls on all three alike. The client, the proxy and the backend share the
                machine's %d cores, so a proxy is a third busy process: HAProxy is the bar, direct the ceiling.
                """.formatted(String.join(" ", GATEWAY_JVM), haproxyVersion(), haproxyThreads, seconds, omit, omit,
                MESSAGE_BYTES, warmup, roundTrips, BLOCK, Runtime.getRuntime().availableProcessors()));
        report.publish(options.docsFile());
        return 0;
    }

    static String haproxyConfig(int threads, int bulkPort, int iperfPort, int echoPort, int echoBackendPort) {
        return """
                global
                    nbthread %d
                    maxconn 1000
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 60s
                    timeout server 60s
                frontend bulk
                    bind 127.0.0.1:%d
                    default_backend bulk
                backend bulk
                    server iperf3 127.0.0.1:%d
                frontend echo
                    bind 127.0.0.1:%d
                    default_backend echo
                backend echo
                    server echo 127.0.0.1:%d
                """.formatted(threads, bulkPort, iperfPort, echoPort, echoBackendPort);
    }

    private static Map<String, String> gatewayConfig(String bootstrap, int bulkPort, int echoPort, int httpPort) {
        return gatewayConfig(bootstrap, "gw-bench", BULK_ROLE + ":" + bulkPort + "," + ECHO_ROLE + ":" + echoPort,
                httpPort, TOKEN);
    }

    /** A gateway on 127.0.0.1 with {@code routes}, its admin API on {@code httpPort} behind {@code token}. */
    static Map<String, String> gatewayConfig(String bootstrap, String gatewayId, String routes, int httpPort,
            String token) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", bootstrap);
        config.put("gateway.id", gatewayId);
        config.put("routes", routes);
        config.put("listen.host", "127.0.0.1");
        config.put("http.host", "127.0.0.1");
        config.put("http.port", Integer.toString(httpPort));
        config.put("api.token", token);
        return config;
    }

    private static RoleAssignment assignment(String roleId, Endpoint endpoint) {
        return new RoleAssignment(UUID.randomUUID(), Instant.now(), roleId, 1, "bench-backend", endpoint,
                MoveReason.INITIAL);
    }

    /** Publishes {@code events} on their topics, keyed as Baton keys them, and waits for the broker's acks. */
    static void publish(String bootstrap, List<? extends BatonEvent> events) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        EventCodec codec = new EventCodec();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (BatonEvent event : events) {
                producer.send(new ProducerRecord<>(event.topic().topicName(), event.key(), codec.encode(event)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitRoutesRunning(int httpPort, List<String> roles, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/v1/routes"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build();
        ObjectMapper mapper = new ObjectMapper();
        Await.until("gateway routes " + roles + " RUNNING", timeout, () -> {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return false;
            }
            int running = 0;
            for (JsonNode route : mapper.readTree(response.body())) {
                if (roles.contains(route.path("roleId").asText()) && "RUNNING".equals(route.path("state").asText())) {
                    running++;
                }
            }
            return running == roles.size();
        });
    }

    private static JsonNode iperf(int port, int seconds, int omit, Path output) throws IOException, InterruptedException {
        List<String> command = List.of("iperf3", "-c", "127.0.0.1", "-p", Integer.toString(port),
                "-t", Integer.toString(seconds), "-O", Integer.toString(omit), "-J");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(seconds + omit + 60L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("iperf3 did not finish; see " + output);
            }
        } finally {
            process.destroyForcibly();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("iperf3 wrote no JSON (exit " + process.exitValue() + "): " + text, e);
        }
        if (json.hasNonNull("error")) {
            throw new IllegalStateException("iperf3 through port " + port + " failed: " + json.get("error").asText());
        }
        bitsPerSecond(json);
        return json;
    }

    /** The receiver's rate of an {@code iperf3 -J} result. */
    static double bitsPerSecond(JsonNode iperf) {
        JsonNode bits = iperf.path("end").path("sum_received").path("bits_per_second");
        if (!bits.isNumber()) {
            throw new IllegalStateException("no end.sum_received.bits_per_second in iperf3's result");
        }
        return bits.asDouble();
    }

    static long retransmits(JsonNode iperf) {
        return iperf.path("end").path("sum_sent").path("retransmits").asLong(0);
    }

    /**
     * {@code warmup} then {@code count} round trips of {@link #MESSAGE_BYTES} bytes per port, one at a time, each
     * port on one connection. The ports take turns in blocks of {@link #BLOCK} (the first port of each round
     * rotating), so that a change of the machine's load during the measure falls on every path alike.
     */
    static List<Latencies> roundTrips(List<Integer> ports, int warmup, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            List<Latencies> latencies = new ArrayList<>();
            for (int port : ports) {
                Socket socket = new Socket();
                sockets.add(socket);
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(10_000);
                latencies.add(new Latencies());
            }
            byte[] request = new byte[MESSAGE_BYTES];
            byte[] response = new byte[MESSAGE_BYTES];
            for (int i = 0; i < sockets.size(); i++) {
                roundTrips(sockets.get(i), request, response, warmup, null);
            }
            int done = 0;
            for (int round = 0; done < count; round++) {
                int block = Math.min(BLOCK, count - done);
                for (int k = 0; k < sockets.size(); k++) {
                    int i = (round + k) % sockets.size();
                    roundTrips(sockets.get(i), request, response, block, latencies.get(i));
                }
                done += block;
            }
            return latencies;
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** {@code count} round trips on {@code socket}, recorded into {@code latencies} unless it is null (warm-up). */
    private static void roundTrips(Socket socket, byte[] request, byte[] response, int count, Latencies latencies)
            throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        for (int i = 0; i < count; i++) {
            Arrays.fill(request, (byte) ('a' + i % 26));
            long start = System.nanoTime();
            out.write(request);
            out.flush();
            int read = 0;
            while (read < MESSAGE_BYTES) {
                int n = in.read(response, read, MESSAGE_BYTES - read);
                if (n < 0) {
                    throw new IOException("connection to port " + socket.getPort() + " closed");
                }
                read += n;
            }
            long elapsed = System.nanoTime() - start;
            if (!Arrays.equals(request, response)) {
                throw new IOException("a round trip through port " + socket.getPort() + " came back different");
            }
            if (latencies != null) {
                latencies.recordNanos(elapsed);
            }
        }
    }

    private static List<String> javaMain(List<String> jvm, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Repository.java());
        command.addAll(jvm);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    private static String haproxyVersion() {
        try {
            Process process = new ProcessBuilder("haproxy", "-v").redirectErrorStream(true).start();
            String first = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .findFirst().orElse("");
            process.waitFor(5, TimeUnit.SECONDS);
            return first.replaceAll("^HAProxy version (\\S+).*", "$1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    static String gbits(double bitsPerSecond) {
        return String.format(Locale.ROOT, "%.2f Gbit/s", bitsPerSecond / 1e9);
    }

    static String micros(double micros) {
        return String.format(Locale.ROOT, "%.1f µs", micros);
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * ratio);
    }
}
