package dev.baton.gateway.http;

import dev.baton.runtime.http.HttpSupport;
import dev.baton.runtime.http.OpsEndpoints;
import dev.baton.runtime.http.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/**
 * The gateway's HTTP side: {@code GET /api/v1/routes} (read-only; behind a bearer token when {@code api.token} is
 * set), with {@code /health/live}, {@code /health/ready} and {@code /metrics} beside it (never behind the token:
 * probes and scrapers carry none).
 *
 * <p>{@code routes} is called on the event loop that serves the request, which must be the one that owns the
 * gateway's routing state.
 */
public final class GatewayHttpApi {
    private GatewayHttpApi() {
    }

    /** The router of the whole HTTP server. */
    public static Router router(Vertx vertx, String service, String token, PrometheusMeterRegistry registry,
            Supplier<Readiness> readiness, Supplier<JsonArray> routes) {
        Router router = Router.router(vertx);
        HttpSupport.installErrorHandling(router);
        OpsEndpoints.mount(router, service, registry, readiness);
        if (token != null) {
            router.route("/api/*").handler(HttpSupport.bearerToken(token));
        }
        router.get("/api/v1/routes").handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(routes.get().encode()));
        return router;
    }
}
