package dev.baton.cli.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.cli.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failures of the real Kafka source that need no broker. */
class KafkaEventSourceTest {
    private final EventSourceFactory factory = KafkaEventSource.factory(new PrintWriter(new StringWriter(), true));

    @Test
    void shouldSayTheBrokerCannotBeReachedWithinTheWait() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + port;

        assertThatThrownBy(() -> factory.open(bootstrap, List.of("baton.role-events"), false, Duration.ofMillis(500)))
                .isInstanceOf(CliException.class)
                .hasMessage("cannot reach Kafka at " + bootstrap + " within 500 ms: is the broker running? Set "
                        + "--bootstrap or BATON_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldRefuseBootstrapServersThatAreNoHostAndPort() {
        assertThatThrownBy(() -> factory.open("no-port-here", List.of("baton.role-events"), false, Duration.ofMillis(500)))
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith("cannot use Kafka bootstrap servers 'no-port-here': ")
                .hasMessageEndingWith(". Set --bootstrap or BATON_KAFKA_BOOTSTRAP_SERVERS");
    }
}
