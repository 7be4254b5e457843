package dev.baton.audit;

import dev.baton.audit.query.EventQuery;
import dev.baton.audit.query.FailoverTimeline;
import dev.baton.audit.query.InvalidQueryException;
import dev.baton.audit.query.Page;
import dev.baton.audit.query.QueryParser;
import dev.baton.audit.query.StoredEventView;
import dev.baton.runtime.http.ApiException;
import dev.baton.runtime.http.HttpSupport;
import dev.baton.runtime.http.OpsEndpoints;
import dev.baton.runtime.http.Readiness;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The read-only audit API under {@code /api/v1} (bearer token), with {@code /health/live},
 * {@code /health/ready} and {@code /metrics} beside it (no token).
 *
 * <ul>
 *   <li>{@code GET /api/v1/events?type=&role=&server=&epoch=&from=&to=&limit=&cursor=}
 *   <li>{@code GET /api/v1/roles/{roleId}/history?type=&from=&to=&limit=&cursor=}
 *   <li>{@code GET /api/v1/failovers?role=&reason=&from=&to=&limit=&cursor=}
 * </ul>
 *
 * <p>Parameters are validated on the event loop ({@link QueryParser}); the query runs on the bounded
 * {@code audit-query} worker pool, never on the event loop. Every error is the runtime's {@code ApiError} body.
 */
public final class AuditHttpApi {
    private static final JsonFactory JSON = new JsonFactory();
    private final PostgresEventStore store;
    private final WorkerExecutor workers;

    public AuditHttpApi(PostgresEventStore store, WorkerExecutor workers) {
        this.store = store;
        this.workers = workers;
    }

    /** The router of the whole HTTP server. */
    public Router router(Vertx vertx, String token, PrometheusMeterRegistry registry, Supplier<Readiness> readiness) {
        Router router = Router.router(vertx);
        HttpSupport.installErrorHandling(router);
        OpsEndpoints.mount(router, AuditSettings.SERVICE, registry, readiness);
        router.route("/api/*").handler(HttpSupport.bearerToken(token));
        router.get("/api/v1/events").handler(ctx -> {
            EventQuery query = parse(() -> QueryParser.events(params(ctx)));
            answer(ctx, () -> eventsBody(store.findEvents(query)));
        });
        router.get("/api/v1/roles/:roleId/history").handler(ctx -> {
            EventQuery query = parse(() -> QueryParser.roleHistory(ctx.pathParam("roleId"), params(ctx)));
            answer(ctx, () -> eventsBody(store.findEvents(query)));
        });
        router.get("/api/v1/failovers").handler(ctx -> {
            var query = parse(() -> QueryParser.failovers(params(ctx)));
            answer(ctx, () -> failoversBody(store.findFailovers(query)));
        });
        return router;
    }

    private static <T> T parse(Supplier<T> parser) {
        try {
            return parser.get();
        } catch (InvalidQueryException e) {
            throw new ApiException(400, e.problems().size() == 1 ? e.problems().get(0) : "invalid query parameters",
                    e.problems());
        }
    }

    private static Map<String, List<String>> params(RoutingContext ctx) {
        MultiMap query = ctx.queryParams();
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String name : query.names()) {
            params.put(name, new ArrayList<>(query.getAll(name)));
        }
        return params;
    }

    /** Runs {@code query} on a worker and answers with the JSON it renders, or with the error. */
    private void answer(RoutingContext ctx, Callable<String> query) {
        Future<String> body = workers.executeBlocking(query, false);
        body.onSuccess(json -> ctx.response()
                        .setStatusCode(200)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(json))
                .onFailure(failure -> ctx.fail(translate(failure)));
    }

    /** Database trouble is the server's, not the client's: 503 when PostgreSQL is unreachable or too slow. */
    private static Throwable translate(Throwable failure) {
        if (failure instanceof SQLTransientConnectionException) {
            return new ApiException(503, "the audit database is unavailable; try again later");
        }
        if (failure instanceof SQLException sql && sql.getSQLState() != null) {
            if (sql.getSQLState().startsWith("08")) {
                return new ApiException(503, "the audit database is unavailable; try again later");
            }
            if ("57014".equals(sql.getSQLState())) {
                return new ApiException(503, "the query took too long; narrow the filters");
            }
        }
        return failure;
    }

    /**
     * The page as JSON, written in one pass: the payload is PostgreSQL's text of the stored {@code jsonb}, valid
     * JSON already, so it is copied in as it is rather than parsed and rendered again.
     */
    static String eventsBody(Page<StoredEventView> page) {
        StringWriter out = new StringWriter(1024 + 640 * page.rows().size());
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("events");
            for (StoredEventView e : page.rows()) {
                json.writeStartObject();
                json.writeStringField("eventId", e.eventId().toString());
                json.writeStringField("type", e.type());
                json.writeStringField("topic", e.topic());
                json.writeNumberField("partition", e.partition());
                json.writeNumberField("offset", e.offset());
                json.writeStringField("key", e.key());
                json.writeStringField("roleId", e.roleId());
                json.writeStringField("serverId", e.serverId());
                json.writeFieldName("epoch");
                if (e.epoch() == null) {
                    json.writeNull();
                } else {
                    json.writeNumber(e.epoch());
                }
                json.writeStringField("occurredAt", text(e.occurredAt()));
                json.writeStringField("recordedAt", text(e.recordedAt()));
                json.writeFieldName("payload");
                json.writeRawValue(e.payload());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringField("nextCursor", page.next() == null ? null : page.next().encode());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to a StringWriter", e);
        }
        return out.toString();
    }

    static String failoversBody(Page<FailoverTimeline> page) {
        JsonArray rows = new JsonArray();
        for (FailoverTimeline f : page.rows()) {
            rows.add(new JsonObject()
                    .put("moveEventId", f.moveEventId().toString())
                    .put("roleId", f.roleId())
                    .put("epoch", f.epoch())
                    .put("from", f.fromServer())
                    .put("to", f.toServer())
                    .put("reason", f.reason())
                    .put("cause", f.cause())
                    .put("movedAt", text(f.movedAt()))
                    .put("serverDownDetectedAt", text(f.serverDownDetectedAt()))
                    .put("drainStartedAt", text(f.drainStartedAt()))
                    .put("gatewaysDrained", f.gatewaysDrained())
                    .put("drainWaitMs", f.drainWaitMs())
                    .put("decidedAt", text(f.decidedAt()))
                    .put("runningAt", text(f.runningAt()))
                    .put("clientsReconnectedAt", text(f.clientsReconnectedAt()))
                    .put("connectionsMoved", f.connectionsMoved())
                    .put("connectionsIdle", f.connectionsIdle())
                    .put("connectionsReplayed", f.connectionsReplayed())
                    .put("connectionsClosedAwaiting", f.connectionsClosedAwaiting())
                    .put("connectionsDrained", f.connectionsDrained())
                    .put("drainMs", f.drainMs())
                    .put("detectToDecideMs", f.detectToDecideMs())
                    .put("decideToRunningMs", f.decideToRunningMs())
                    .put("runningToReconnectedMs", f.runningToReconnectedMs())
                    .put("totalMs", f.totalMs()));
        }
        return new JsonObject()
                .put("failovers", rows)
                .put("nextCursor", page.next() == null ? null : page.next().encode())
                .encode();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
