package dev.baton.runtime.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Error handling, JSON answers and bearer-token authentication shared by every Baton REST API. */
public final class HttpSupport {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSupport.class);
    /** Request bodies above this are refused with 413. */
    public static final long MAX_BODY_BYTES = 1024 * 1024;

    private HttpSupport() {
    }

    /**
     * Installs, for every route of {@code router}: a bounded body handler, and the one failure handler that turns
     * any failure into an {@link ApiError} body. Call before adding routes.
     */
    public static void installErrorHandling(Router router) {
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.route().failureHandler(HttpSupport::handleFailure);
        router.errorHandler(404, ctx -> answer(ctx, new ApiError(404, "no such resource: " + ctx.request().path(), null)));
        router.errorHandler(405, ctx -> answer(ctx, new ApiError(405, "method not allowed: " + ctx.request().method(), null)));
    }

    private static void handleFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        ApiError error;
        if (failure instanceof ApiException api) {
            error = api.toError();
        } else if (failure instanceof DecodeException) {
            error = new ApiError(400, "request body is not valid JSON", null);
        } else if (failure instanceof IllegalArgumentException bad) {
            error = new ApiError(400, bad.getMessage(), null);
        } else if (failure == null) {
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            error = new ApiError(status, status == 413 ? "request body too large" : "request failed", null);
        } else {
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
            error = new ApiError(500, "internal error: " + failure.getClass().getSimpleName(), null);
        }
        answer(ctx, error);
    }

    /** Answers {@code ctx} with {@code error} as JSON. */
    public static void answer(RoutingContext ctx, ApiError error) {
        if (ctx.response().ended()) {
            return;
        }
        json(ctx, error.code(), error);
    }

    /** Answers with {@code body} encoded as JSON. */
    public static void json(RoutingContext ctx, int status, Object body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(Json.encode(body));
    }

    /**
     * A handler that lets a request through only with {@code Authorization: Bearer <token>}; 401 otherwise. The
     * comparison takes the same time whatever the token, and the token is never logged.
     */
    public static Handler<RoutingContext> bearerToken(String token) {
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        return ctx -> {
            String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
            boolean ok = header != null && header.startsWith("Bearer ")
                    && MessageDigest.isEqual(expected, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
            if (ok) {
                ctx.next();
            } else {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                answer(ctx, new ApiError(401, header == null
                        ? "missing bearer token: send 'Authorization: Bearer <token>'"
                        : "invalid bearer token", null));
            }
        };
    }
}
