package dev.baton.placement.api;

import static dev.baton.placement.api.ApiSupport.body;
import static dev.baton.placement.api.ApiSupport.fail;
import static dev.baton.placement.api.ApiSupport.noRole;
import static dev.baton.placement.api.ApiSupport.unwrap;

import dev.baton.placement.detector.SafetyBrake;
import dev.baton.placement.policy.ConfigError;
import dev.baton.placement.policy.ManualMove;
import dev.baton.placement.store.RoleStore;
import dev.baton.runtime.http.ApiException;
import dev.baton.runtime.http.HttpSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests only the placement leader can answer: a manual move, a restart budget reset and releasing the safety
 * brake. A standby that knows the leader forwards them to it ({@value AdminHttpApi#FORWARDED_BY} marks them, so they
 * are forwarded once) and answers what the leader answered.
 */
final class LeaderApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderApi.class);

    private final Vertx vertx;
    private final ApiSupport support;
    private final RoleStore store;
    private final PlacementControl control;
    private final String actor;
    private final Duration moveTimeout;
    private final HttpClient forwarding;
    private final RestartBudgetApi budgets;

    LeaderApi(Vertx vertx, ApiSupport support, RoleStore store, PlacementControl control, String actor,
            Duration moveTimeout) {
        this.vertx = vertx;
        this.support = support;
        this.store = store;
        this.control = control;
        this.actor = actor;
        this.moveTimeout = moveTimeout;
        this.forwarding = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000));
        this.budgets = new RestartBudgetApi(vertx, control, actor, moveTimeout);
    }

    void mount(Router router, String base) {
        router.post(base + "/roles/:roleId/move").handler(this::move);
        router.post(base + "/roles/:roleId/restart-budget/reset").handler(this::resetRestartBudget);
        router.post(base + "/safety-brake/release").handler(this::releaseSafetyBrake);
    }

    private void move(RoutingContext ctx) {
        if (forwardedToLeader(ctx)) {
            return;
        }
        String roleId = ctx.pathParam("roleId");
        String to = AdminRequests.move(body(ctx));
        support.blocking(() -> store.role(roleId).orElseThrow(() -> noRole(roleId)))
                .compose(role -> {
                    if (!role.servers().contains(to)) {
                        throw RoleEdits.rejected(roleId, List.of(new ConfigError("to",
                                "'" + AdminRequests.abbreviated(to) + "' is not one of the role's servers "
                                        + role.servers())));
                    }
                    return Future.fromCompletionStage(control.requestMove(new ManualMove(roleId, to, actor)),
                                    vertx.getOrCreateContext())
                            .timeout(moveTimeout.toMillis(), TimeUnit.MILLISECONDS);
                })
                .onSuccess(result -> {
                    if (result.accepted()) {
                        LOG.info("role {}: manual move to {} by {} accepted (epoch {})", roleId, to, actor,
                                result.move().epoch());
                        HttpSupport.json(ctx, 200, AdminJson.move(result.move()));
                    } else {
                        LOG.info("role {}: manual move to {} by {} refused: {}", roleId, to, actor, result.rejection());
                        fail(ctx, new ApiException(409, "role " + roleId + " cannot move to " + to + ": "
                                + result.rejection()));
                    }
                })
                .onFailure(failure -> fail(ctx, unwrap(failure) instanceof TimeoutException
                        ? new ApiException(503, "the placement loop did not answer within " + moveTimeout.toMillis()
                                + " ms; the move may still happen: check GET " + AdminHttpApi.BASE + "/roles/" + roleId)
                        : failure));
    }

    private void resetRestartBudget(RoutingContext ctx) {
        if (forwardedToLeader(ctx)) {
            return;
        }
        String roleId = ctx.pathParam("roleId");
        support.blocking(() -> store.role(roleId).isPresent())
                .onSuccess(known -> budgets.reset(ctx, known))
                .onFailure(failure -> fail(ctx, failure));
    }

    private void releaseSafetyBrake(RoutingContext ctx) {
        if (forwardedToLeader(ctx)) {
            return;
        }
        SafetyBrake.Engaged brake = control.snapshot().view().safetyBrake();
        if (brake == null) {
            ctx.fail(new ApiException(409, "the safety brake is off: failovers are not held"));
            return;
        }
        LOG.warn("safety brake released by {}: {} will be declared DOWN", actor, brake.silent());
        control.releaseSafetyBrake(actor);
        HttpSupport.json(ctx, 202, new JsonObject().put("released", true)
                .put("servers", new JsonArray(new ArrayList<>(brake.silent())))
                .put("message", "the silent servers are declared DOWN at the next evaluation; their roles fail over"));
    }

    /** On a standby that knows the leader, hands the request to it (once) and says so. */
    private boolean forwardedToLeader(RoutingContext ctx) {
        PlacementSnapshot snapshot = control.snapshot();
        if (!snapshot.leader() && snapshot.leaderAdminUrl() != null && ctx.request().getHeader(AdminHttpApi.FORWARDED_BY) == null) {
            forwardToLeader(ctx, snapshot);
            return true;
        }
        return false;
    }

    /**
     * Only the leader moves roles (and holds restart budgets): a standby hands a move or budget request to the leader's admin API, with the caller's
     * credentials, and answers what the leader answered. Marked so a leader that has just stepped down does not
     * forward it again.
     */
    private void forwardToLeader(RoutingContext ctx, PlacementSnapshot snapshot) {
        String url = snapshot.leaderAdminUrl() + ctx.request().path();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .setTimeout(moveTimeout.toMillis() + 1_000);
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        forwarding.request(options)
                .compose(request -> {
                    request.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
                    request.putHeader(AdminHttpApi.FORWARDED_BY, snapshot.instanceId());
                    if (authorization != null) {
                        request.putHeader(HttpHeaders.AUTHORIZATION, authorization);
                    }
                    return request.send(ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer());
                })
                .compose(response -> response.body().map(body -> {
                    LOG.info("{} for role {} forwarded to leader {}: {}", ctx.request().path(), ctx.pathParam("roleId"),
                            snapshot.leaderId(), response.statusCode());
                    ctx.response().setStatusCode(response.statusCode())
                            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .end(body);
                    return body;
                }))
                .onFailure(failure -> fail(ctx, new ApiException(503, "this instance is a standby and could not "
                        + "reach the leader " + snapshot.leaderId() + " at " + snapshot.leaderAdminUrl() + ": "
                        + failure.getMessage())));
    }

    @Override
    public void close() {
        forwarding.close();
    }
}
