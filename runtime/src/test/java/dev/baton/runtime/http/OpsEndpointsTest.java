package dev.baton.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsEndpointsTest {
    private static final String SERVICE = "placement-service";
    private static final AtomicReference<Readiness> READINESS = new AtomicReference<>();
    private static PrometheusMeterRegistry registry;
    private static HttpTestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        registry = OpsEndpoints.newRegistry(SERVICE);
        server = HttpTestServer.start(router -> OpsEndpoints.mount(router, SERVICE, registry, READINESS::get));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void ready() {
        READINESS.set(Readiness.ready(Map.of()));
    }

    @Test
    void shouldAnswerLivenessWithTheServiceName() throws Exception {
        HttpResponse<Buffer> response = server.get("/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "UP").put("service", SERVICE));
    }

    @Test
    void shouldAnswerReadyWith200AndTheDetailsWhileTheServiceIsReady() throws Exception {
        READINESS.set(Readiness.ready(Map.of("leader", "placement-1", "lag", 0)));

        HttpResponse<Buffer> response = server.get("/health/ready");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
                .put("status", "UP").put("service", SERVICE).put("leader", "placement-1").put("lag", 0));
    }

    @Test
    void shouldFollowTheReadinessSupplierOnEveryRequest() throws Exception {
        READINESS.set(Readiness.notReady(Map.of("reason", "consumer not assigned")));

        HttpResponse<Buffer> notReady = server.get("/health/ready");

        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.bodyAsJsonObject()).isEqualTo(new JsonObject()
                .put("status", "DOWN").put("service", SERVICE).put("reason", "consumer not assigned"));

        READINESS.set(Readiness.ready(Map.of()));

        HttpResponse<Buffer> ready = server.get("/health/ready");

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "UP").put("service", SERVICE));
    }

    @Test
    void shouldKeepLivenessUpWhileNotReady() throws Exception {
        READINESS.set(Readiness.notReady(Map.of()));

        assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(server.get("/health/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void shouldExposeJvmMetricsTaggedWithTheServiceInPrometheusFormat() throws Exception {
        HttpResponse<Buffer> response = server.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
        String body = response.bodyAsString();
        assertThat(body).contains("# TYPE jvm_memory_used_bytes gauge");
        assertThat(body.lines().filter(line -> line.startsWith("jvm_memory_used_bytes{")))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("service=\"" + SERVICE + "\""));
        assertThat(body).contains("jvm_threads_live_threads{service=\"" + SERVICE + "\"}");
    }

    @Test
    void shouldExposeTheServicesOwnMetersToo() throws Exception {
        registry.counter("baton_moves", "reason", "failover").increment(3);

        String body = server.get("/metrics").bodyAsString();

        assertThat(body).contains("baton_moves_total{reason=\"failover\",service=\"" + SERVICE + "\"} 3.0");
    }

    @Test
    void shouldAnswerAnUnknownOpsPathWithTheJsonErrorBody() throws Exception {
        HttpResponse<Buffer> response = server.get("/health/unknown");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
                .put("code", 404).put("message", "no such resource: /health/unknown").put("validationErrors", new JsonArray()));
    }

    @Test
    void shouldRefuseAWriteToAnOpsEndpointWith405() throws Exception {
        HttpResponse<Buffer> response = server.send(server.request(HttpMethod.POST, "/metrics"));

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.bodyAsJsonObject().getString("message")).isEqualTo("method not allowed: POST");
    }
}
