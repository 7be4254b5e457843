package dev.baton.runtime.http;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /health/live}, {@code /health/ready} and Prometheus {@code /metrics}, the same on every service.
 *
 * <p>Liveness says the process answers; readiness asks the service ({@link Readiness}) and answers 503 when it
 * is not ready.
 */
public final class OpsEndpoints {
    private OpsEndpoints() {
    }

    /** A Prometheus registry with the JVM's own meters bound, tagged with the service name. */
    public static PrometheusMeterRegistry newRegistry(String service) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return registry;
    }

    /** Mounts the three endpoints on {@code router}. {@code readiness} must not block: it reads state. */
    public static void mount(Router router, String service, PrometheusMeterRegistry registry, Supplier<Readiness> readiness) {
        router.get("/health/live").handler(ctx -> HttpSupport.json(ctx, 200, Map.of("status", "UP", "service", service)));
        router.get("/health/ready").handler(ctx -> {
            Readiness answer = readiness.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", answer.ready() ? "UP" : "DOWN");
            body.put("service", service);
            body.putAll(answer.details());
            HttpSupport.json(ctx, answer.ready() ? 200 : 503, body);
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape()));
    }
}
