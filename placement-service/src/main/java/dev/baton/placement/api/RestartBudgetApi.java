package dev.baton.placement.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import dev.baton.runtime.http.ApiException;
import dev.baton.runtime.http.HttpSupport;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /roles/{roleId}/restart-budget/reset}: an operator forgets a role's recent resource failures, so a
 * role HELD because its restart budget is exhausted may move again at the leader's next round. Only the leader
 * holds the budget; {@link AdminHttpApi} forwards the request from a standby.
 */
final class RestartBudgetApi {
    private static final Logger LOG = LoggerFactory.getLogger(RestartBudgetApi.class);

    private final Vertx vertx;
    private final PlacementControl control;
    private final String actor;
    private final Duration timeout;

    RestartBudgetApi(Vertx vertx, PlacementControl control, String actor, Duration timeout) {
        this.vertx = vertx;
        this.control = control;
        this.actor = actor;
        this.timeout = timeout;
    }

    /** Asks the loop (never blocking the event loop) and answers 200, 404 for an unknown role, 409 when refused. */
    void reset(RoutingContext ctx, boolean knownRole) {
        String roleId = ctx.pathParam("roleId");
        if (!knownRole) {
            ctx.fail(ApiException.notFound("role " + roleId + " does not exist"));
            return;
        }
        Future.fromCompletionStage(control.resetRestartBudget(roleId, actor), vertx.getOrCreateContext())
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .onSuccess(result -> {
                    if (result.accepted()) {
                        LOG.info("role {}: restart budget reset by {} ({} resource failures forgotten)", roleId, actor,
                                result.cleared());
                        HttpSupport.json(ctx, 200, new JsonObject().put("roleId", roleId)
                                .put("resourceFailuresCleared", result.cleared()));
                    } else {
                        LOG.info("role {}: restart budget reset by {} refused: {}", roleId, actor, result.rejection());
                        ctx.fail(new ApiException(409, "the restart budget of role " + roleId + " was not reset: "
                                + result.rejection()));
                    }
                })
                .onFailure(failure -> ctx.fail(new ApiException(503, "the placement loop did not answer within "
                        + timeout.toMillis() + " ms; check GET " + AdminHttpApi.BASE + "/roles/" + roleId)));
    }
}
