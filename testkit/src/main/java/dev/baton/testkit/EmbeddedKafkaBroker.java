package dev.baton.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) running inside this JVM.
 *
 * <p>With a caller-owned data directory the storage is formatted once and reused on the next start, which is
 * what a local run wants; without one a temporary directory is used and deleted on close.
 *
 * <p>{@link #startWithProxy()} adds a second client listener, {@value #PROXIED_LISTENER}, that is reached only
 * through a {@link TcpProxy}: the listener advertises the proxy's port, so a client bootstrapped at
 * {@link #proxiedBootstrapServers()} sends all its traffic (metadata, produce, fetch) through the proxy, and a test
 * can cut that client off with {@link TcpProxy#cut()} while other clients, on {@link #bootstrapServers()}, keep
 * working.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String CLUSTER_ID_FILE = "baton-cluster-id";
    /** The name of the extra listener that {@link #startWithProxy()} puts behind a {@link TcpProxy}. */
    public static final String PROXIED_LISTENER = "PROXIED";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final boolean temporary;
    private final TcpProxy proxy;

    private EmbeddedKafkaBroker(
            KafkaRaftServer server, String bootstrapServers, Path dataDir, boolean temporary, TcpProxy proxy) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.proxy = proxy;
    }

    /** Starts a broker on free loopback ports and a temporary data directory. */
    public static EmbeddedKafkaBroker start() {
        try {
            return start(Files.createTempDirectory("baton-kafka-"), FreePorts.next(), FreePorts.next(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a broker listening on {@code 127.0.0.1:brokerPort}, storing its logs in {@code dataDir}.
     *
     * @param temporary delete {@code dataDir} on close
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int brokerPort, int controllerPort, boolean temporary) {
        return start(dataDir, brokerPort, controllerPort, temporary, (ProxiedListener) null);
    }

    /**
     * Starts a broker on free loopback ports and a temporary data directory, with the extra listener
     * {@value #PROXIED_LISTENER} behind a {@link TcpProxy} ({@link #proxy()}). Always in this JVM, whatever
     * {@link InfraMode} says: the broker must advertise the proxy's loopback port. Closing the broker closes the
     * proxy.
     */
    public static EmbeddedKafkaBroker startWithProxy() {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("baton-kafka-proxied-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int proxiedPort = FreePorts.next();
        // The proxy exists before the broker so that its port can be advertised; it connects to the listener
        // only when a client connects to it.
        TcpProxy proxy = TcpProxy.start("127.0.0.1", proxiedPort);
        try {
            return start(dataDir, FreePorts.next(), FreePorts.next(), true, new ProxiedListener(proxiedPort, proxy));
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
    }

    private record ProxiedListener(int listenerPort, TcpProxy proxy) {
    }

    /**
     * A listener besides the broker's own, on {@code 127.0.0.1:port} and advertised as {@code 127.0.0.1:advertisedPort}
     * (where a proxy in front of it listens): clients bootstrapped there keep every connection on that path.
     */
    public record AdvertisedListener(String name, int port, int advertisedPort) {
        public AdvertisedListener {
            if (!name.matches("[A-Z][A-Z0-9_]*") || name.equals("PLAINTEXT") || name.equals("CONTROLLER")) {
                throw new IllegalArgumentException("listener name must match [A-Z][A-Z0-9_]* and not be PLAINTEXT "
                        + "or CONTROLLER: " + name);
            }
        }
    }

    /**
     * Starts a broker as {@link #start(Path, int, int, boolean)} does, with {@code extra} listeners, each advertised at
     * the port of a proxy the caller runs in front of it (so the caller can cut one group of clients off the broker).
     */
    public static EmbeddedKafkaBroker start(
            Path dataDir, int brokerPort, int controllerPort, boolean temporary, List<AdvertisedListener> extra) {
        return start(dataDir, brokerPort, controllerPort, temporary, null, extra);
    }

    private static EmbeddedKafkaBroker start(
            Path dataDir, int brokerPort, int controllerPort, boolean temporary, ProxiedListener proxied) {
        return start(dataDir, brokerPort, controllerPort, temporary, proxied, List.of());
    }

    private static EmbeddedKafkaBroker start(Path dataDir, int brokerPort, int controllerPort, boolean temporary,
            ProxiedListener proxied, List<AdvertisedListener> extra) {
        long started = System.nanoTime();
        Properties props = brokerProperties(dataDir.resolve("logs"), brokerPort, controllerPort);
        if (proxied != null) {
            addProxiedListener(props, proxied.listenerPort(), proxied.proxy().port());
        }
        for (AdvertisedListener listener : extra) {
            addListener(props, listener.name(), listener.port(), listener.advertisedPort());
        }
        try {
            Files.createDirectories(dataDir);
            formatStorageOnce(dataDir, props);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka storage in " + dataDir, e);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + brokerPort;
        LOG.info("Embedded Kafka broker ready at {} in {} ms (data in {}){}",
                bootstrap, (System.nanoTime() - started) / 1_000_000, dataDir,
                proxied == null ? "" : ", proxied listener behind " + proxied.proxy().address());
        return new EmbeddedKafkaBroker(server, bootstrap, dataDir, temporary, proxied == null ? null : proxied.proxy());
    }

    /**
     * Adds the {@value #PROXIED_LISTENER} listener on {@code listenerPort}, advertised as {@code proxyPort}: clients
     * learn the proxy's address from the metadata they fetch through it and never reach the listener directly.
     */
    static void addProxiedListener(Properties props, int listenerPort, int proxyPort) {
        addListener(props, PROXIED_LISTENER, listenerPort, proxyPort);
    }

    private static void addListener(Properties props, String name, int listenerPort, int advertisedPort) {
        props.put("listeners", props.getProperty("listeners") + "," + name + "://127.0.0.1:" + listenerPort);
        props.put("advertised.listeners",
                props.getProperty("advertised.listeners") + "," + name + "://127.0.0.1:" + advertisedPort);
        props.put("listener.security.protocol.map",
                props.getProperty("listener.security.protocol.map") + "," + name + ":PLAINTEXT");
    }

    static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "3");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // Compaction must actually run on a small local broker so compacted topics behave as documented.
        props.put("log.cleaner.backoff.ms", "1000");
        return props;
    }

    private static void formatStorageOnce(Path dataDir, Properties props) throws IOException {
        Path idFile = dataDir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(idFile)) {
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        Path config = dataDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, "Baton embedded broker");
        }
        var output = new java.io.ByteArrayOutputStream();
        int exit;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exit = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()}, print);
        }
        if (exit != 0) {
            throw new IllegalStateException("kafka storage format failed (" + exit + "): " + output.toString(StandardCharsets.UTF_8));
        }
        Files.writeString(idFile, clusterId);
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The proxy in front of the {@value #PROXIED_LISTENER} listener.
     *
     * @throws IllegalStateException when the broker was not started with {@link #startWithProxy()}
     */
    public TcpProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException("this broker has no proxied listener; start it with startWithProxy()");
        }
        return proxy;
    }

    /** {@code bootstrap.servers} for a client whose every connection goes through {@link #proxy()}. */
    public String proxiedBootstrapServers() {
        return proxy().address();
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        server.shutdown();
        server.awaitShutdown();
        if (temporary) {
            deleteRecursively(dataDir);
        }
        LOG.info("Embedded Kafka broker at {} stopped", bootstrapServers);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
