package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import dev.baton.events.Topic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ProxiedKafkaExtension.class)
class TcpProxyIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private ProxiedKafka used;

    @AfterEach
    void restoreProxy() {
        if (used != null) {
            used.proxy().restore();
        }
    }

    @Test
    void shouldStopAcknowledgingAProducerBootstrappedAtTheProxyWhenCutAndResumeAfterRestore(ProxiedKafka kafka)
            throws Exception {
        used = kafka;
        String topic = kafka.kafka().topic(Topic.HEARTBEATS);
        try (KafkaProducer<String, byte[]> producer = proxiedProducer(kafka)) {
            // The producer gives up on a record after 2 s; a broker that just started may need longer to elect the
            // partition's leader, so the first ack is awaited with retries.
            RecordMetadata before = Await.until("a first ack through the proxy", TIMEOUT, () -> {
                try {
                    return producer.send(record(topic, "before")).get(5, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    return null;
                }
            }, metadata -> metadata != null);
            assertThat(before.offset()).isGreaterThanOrEqualTo(0);
            assertThat(kafka.proxy().connectionsAccepted())
                    .as("the producer's connections go through the proxy").isGreaterThan(0);

            kafka.proxy().cut();
            Future<RecordMetadata> during = producer.send(record(topic, "during"));
            assertThatThrownBy(() -> during.get(20, TimeUnit.SECONDS))
                    .as("no ack while cut: the advertised listener is the proxy, so the client cannot bypass it")
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            // The test's own client uses the direct listener and is not affected by the cut.
            kafka.kafka().sendRaw(topic, "direct", new byte[] {1});

            kafka.proxy().restore();
            Await.until("an ack through the restored proxy", TIMEOUT, () -> {
                try {
                    return producer.send(record(topic, "after")).get(5, TimeUnit.SECONDS) != null;
                } catch (ExecutionException e) {
                    return false;
                }
            });
        }
    }

    @Test
    void shouldForwardBytesAndBlackholeNewConnectionsWhileCut() throws IOException {
        try (ServerSocket echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
            Thread server = echoServer(echo);
            try (Socket client = new Socket("127.0.0.1", proxy.port())) {
                assertThat(roundTrip(client, "hello")).isEqualTo("hello");

                proxy.cut();
                Await.until("the forwarded connection is closed", TIMEOUT, () -> proxy.openConnections() == 0);
            }
            try (Socket blackholed = new Socket("127.0.0.1", proxy.port())) {
                blackholed.setSoTimeout(300);
                blackholed.getOutputStream().write("lost\n".getBytes(StandardCharsets.UTF_8));
                assertThatThrownBy(() -> blackholed.getInputStream().read())
                        .as("a new connection is accepted but never answered while cut")
                        .isInstanceOf(SocketTimeoutException.class);

                proxy.restore();
                blackholed.setSoTimeout(5_000);
                assertThat(blackholed.getInputStream().read())
                        .as("restore closes blackholed connections so their clients reconnect").isEqualTo(-1);
            }
            try (Socket client = new Socket("127.0.0.1", proxy.port())) {
                assertThat(roundTrip(client, "again")).isEqualTo("again");
            }
            server.interrupt();
        }
    }

    @Test
    void shouldHoldEveryByteWhileStalledAndDeliverItAfterwardsWithoutClosingTheConnection() throws IOException {
        try (ServerSocket echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
            Thread server = echoServer(echo);
            try (Socket client = new Socket("127.0.0.1", proxy.port())) {
                assertThat(roundTrip(client, "before")).isEqualTo("before");

                proxy.stall();
                client.setSoTimeout(300);
                client.getOutputStream().write("held\n".getBytes(StandardCharsets.UTF_8));
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.UTF_8));
                assertThatThrownBy(in::readLine).as("nothing answers while stalled")
                        .isInstanceOf(SocketTimeoutException.class);
                assertThat(proxy.openConnections()).as("the connection stays open").isEqualTo(1);

                proxy.unstall();
                client.setSoTimeout(5_000);
                assertThat(in.readLine()).as("what was held back arrives, in order").isEqualTo("held");
            }
            server.interrupt();
        }
    }

    private static String roundTrip(Socket client, String line) throws IOException {
        client.setSoTimeout(5_000);
        OutputStream out = client.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    private static Thread echoServer(ServerSocket socket) {
        Thread thread = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket accepted = socket.accept();
                    Thread copy = new Thread(() -> {
                        try (accepted) {
                            accepted.getInputStream().transferTo(accepted.getOutputStream());
                        } catch (IOException ignored) {
                            // the proxy closed the connection
                        }
                    });
                    copy.setDaemon(true);
                    copy.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "echo");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static KafkaProducer<String, byte[]> proxiedProducer(ProxiedKafka kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.proxiedBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "2000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key) {
        return new ProducerRecord<>(topic, key, key.getBytes(StandardCharsets.UTF_8));
    }
}
