package dev.baton.cli.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.baton.cli.CliException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The real transport against a JDK HTTP server on the loopback interface, and against a closed port. */
class JdkApiClientTest {
    @Test
    void shouldSendMethodTokenAndJsonBodyAndReturnAnyStatus() throws Exception {
        Map<String, String> seen = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/roles", exchange -> {
            seen.put("method", exchange.getRequestMethod());
            seen.put("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            seen.put("contentType", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
            try (InputStream in = exchange.getRequestBody()) {
                seen.put("body", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            byte[] answer = "{\"code\":409,\"message\":\"role billing exists\",\"validationErrors\":[]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(409, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/roles");

            ApiResponse response = new JdkApiClient().send(new ApiRequest("POST", uri, "t0ken", "{\"roleId\":\"billing\"}"));

            assertThat(response.status()).isEqualTo(409);
            assertThat(response.body()).contains("role billing exists");
            assertThat(seen).containsEntry("method", "POST").containsEntry("authorization", "Bearer t0ken")
                    .containsEntry("contentType", "application/json").containsEntry("body", "{\"roleId\":\"billing\"}");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldSayConnectionRefusedWithTheUrlAndAHint() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI base = URI.create("http://127.0.0.1:" + port);
        ApiEndpoint endpoint = new ApiEndpoint("placement API", base, null, "--api or BATON_API_URL",
                "--token or BATON_API_TOKEN", new JdkApiClient());

        assertThatThrownBy(() -> endpoint.get("/api/v1/roles"))
                .isInstanceOf(CliException.class)
                .hasMessage("cannot connect to the placement API at " + base + " (connection refused): is it running? "
                        + "Set --api or BATON_API_URL to its URL");
    }
}
