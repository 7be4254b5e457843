package dev.baton.placement.api;

import dev.baton.placement.store.RoleStoreException;
import dev.baton.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the admin API's handlers share: the bounded worker pool blocking work runs on (never the event loop), the
 * per-role locks that keep one role's changes in order, request bodies, and store outcomes as API errors.
 */
final class ApiSupport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiSupport.class);
    private static final int LOCK_STRIPES = 64;

    private final WorkerExecutor workers;
    private final Object[] roleLocks = new Object[LOCK_STRIPES];

    ApiSupport(Vertx vertx, String poolName, int poolSize) {
        this.workers = vertx.createSharedWorkerExecutor(poolName, poolSize);
        for (int i = 0; i < LOCK_STRIPES; i++) {
            roleLocks[i] = new Object();
        }
    }

    /** Runs {@code work} on the worker pool; the future completes on the caller's context. */
    <T> Future<T> blocking(Callable<T> work) {
        return workers.executeBlocking(work, false);
    }

    /** The lock serializing changes of {@code roleId} in this instance. */
    Object lockFor(String roleId) {
        return roleLocks[Math.floorMod(roleId.hashCode(), LOCK_STRIPES)];
    }

    static byte[] body(RoutingContext ctx) {
        if (!ctx.body().available()) {
            throw new IllegalStateException("no body handler: install HttpSupport.installErrorHandling before mount");
        }
        Buffer buffer = ctx.body().buffer();
        return buffer == null ? null : buffer.getBytes();
    }

    /** Store outcomes as API errors; anything else reaches the error handler as it is (500, logged there). */
    static void fail(RoutingContext ctx, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RoleStoreException.NotFound notFound) {
            ctx.fail(ApiException.notFound(notFound.getMessage()));
        } else if (cause instanceof RoleStoreException.Conflict conflict) {
            ctx.fail(new ApiException(409, conflict.getMessage()));
        } else if (cause instanceof RoleStoreException.Unavailable unavailable) {
            LOG.warn("placement database unavailable: {}", unavailable.getMessage());
            ctx.fail(new ApiException(503, "the placement database is unavailable; try again later"));
        } else {
            ctx.fail(cause);
        }
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static ApiException noRole(String roleId) {
        return ApiException.notFound("no role '" + AdminRequests.abbreviated(roleId) + "'");
    }

    static ApiException noServer(String serverId) {
        return ApiException.notFound("no registered server '" + AdminRequests.abbreviated(serverId)
                + "': a server registers with its first heartbeat");
    }

    @Override
    public void close() {
        workers.close();
    }
}
