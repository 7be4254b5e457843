package dev.baton.placement.api;

import dev.baton.events.RoleConfigured;
import dev.baton.placement.api.AdminRequests.CreateRole;
import dev.baton.placement.api.AdminRequests.Failback;
import dev.baton.placement.detector.SafetyBrake;
import dev.baton.placement.policy.ConfigError;
import dev.baton.placement.policy.MaintenanceGuard;
import dev.baton.placement.policy.ManualMove;
import dev.baton.placement.policy.RoleConfigValidator;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.RoleStore;
import dev.baton.placement.store.RoleStoreException;
import dev.baton.placement.store.ServerRecord;
import dev.baton.runtime.http.ApiException;
import dev.baton.runtime.http.HttpSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement-service's admin API under {@value #BASE}: role configuration as in the vendor's "enabling failover
 * on the plugin role" procedure (a priority-ordered server list edited by add, remove, up and down; force execution
 * on the highest-priority server; a remote database), server maintenance and manual moves. The contract is
 * {@code openapi.yaml}, served without authentication at {@code GET /api/v1/openapi.yaml}; every other path needs
 * {@code Authorization: Bearer <token>}.
 *
 * <p>Every configuration change runs the same steps: read the stored role, apply the edit ({@link RoleEdits}),
 * validate the result ({@link RoleConfigValidator} and the API's own rules; 422 with every problem), store it at
 * version + 1 (optimistic; 409 when another change came first), publish {@link RoleConfigured} ({@link
 * ConfigPublisher}), tell the placement loop ({@link PlacementControl#rolesChanged()}), answer the stored role.
 * A request that changes nothing stores nothing and announces the current version again: re-sending a {@code PUT}
 * repairs a publication that failed.
 *
 * <p>Threads: JDBC and the producer's {@code send} run on the bounded worker pool {@value #WORKER_POOL}, never on
 * the event loop; changes of one role are serialized in this instance so that their events leave in version order.
 * Errors are the runtime's one {@code ApiError} body: 400 malformed or unknown request fields, 401 no valid token,
 * 404 unknown role or server, 409 version conflict, duplicate role or a gateway port another role has, 412
 * {@code If-Match} mismatch, 422 rule violations, 503 database, broker or placement loop unavailable.
 */
public final class AdminHttpApi implements AutoCloseable {
    /** Where the API is mounted. */
    public static final String BASE = "/api/v1";
    /** Who changes are attributed to unless the constructor is told otherwise. */
    public static final String DEFAULT_ACTOR = "admin-api";
    public static final Duration DEFAULT_MOVE_TIMEOUT = Duration.ofSeconds(10);
    /** The shared worker pool JDBC runs on. */
    public static final String WORKER_POOL = "placement-db";
    static final int WORKER_POOL_SIZE = 4;
    static final String OPENAPI_RESOURCE = "openapi.yaml";
    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpApi.class);
    private static final int LOCK_STRIPES = 64;

    /** Marks a request a standby forwarded to the leader. */
    static final String FORWARDED_BY = "X-Baton-Forwarded-By";

    private final Vertx vertx;
    private final RoleStore store;
    private final PlacementControl control;
    private final ConfigPublisher publisher;
    private final String token;
    private final boolean controlPlaneFailoverConfigured;
    private final String actor;
    private final Clock clock;
    private final Duration moveTimeout;
    private final WorkerExecutor workers;
    private final HttpClient forwarding;
    private final Buffer openApi;
    private final Object[] roleLocks = new Object[LOCK_STRIPES];
    private final RestartBudgetApi budgets;

    /**
     * An API attributing changes to {@value #DEFAULT_ACTOR}, on the system clock, waiting up to 10 s for the loop
     * to answer a manual move.
     *
     * @param token the bearer token clients must send; never logged
     * @param controlPlaneFailoverConfigured whether the control plane itself fails over; a role may list the MAIN
     *     server only then
     */
    public AdminHttpApi(Vertx vertx, RoleStore store, PlacementControl control, ConfigPublisher publisher,
            String token, boolean controlPlaneFailoverConfigured) {
        this(vertx, store, control, publisher, token, controlPlaneFailoverConfigured, DEFAULT_ACTOR,
                Clock.systemUTC(), DEFAULT_MOVE_TIMEOUT);
    }

    /**
     * @param actor who changes are attributed to ({@code updatedBy}, {@code changedBy}, maintenance by)
     * @param clock the time of changes and events
     * @param moveTimeout how long a manual move request waits for the placement loop's answer (then 503)
     */
    public AdminHttpApi(Vertx vertx, RoleStore store, PlacementControl control, ConfigPublisher publisher,
            String token, boolean controlPlaneFailoverConfigured, String actor, Clock clock, Duration moveTimeout) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.store = Objects.requireNonNull(store, "store");
        this.control = Objects.requireNonNull(control, "control");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the admin API needs a bearer token");
        }
        this.token = token;
        this.controlPlaneFailoverConfigured = controlPlaneFailoverConfigured;
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("actor must not be blank");
        }
        this.actor = actor;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.moveTimeout = Objects.requireNonNull(moveTimeout, "moveTimeout");
        for (int i = 0; i < LOCK_STRIPES; i++) {
            roleLocks[i] = new Object();
        }
        this.openApi = Buffer.buffer(openApiDocument());
        this.workers = vertx.createSharedWorkerExecutor(WORKER_POOL, WORKER_POOL_SIZE);
        this.forwarding = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000));
        this.budgets = new RestartBudgetApi(vertx, control, actor, moveTimeout);
    }

    private static byte[] openApiDocument() {
        try (InputStream in = AdminHttpApi.class.getClassLoader().getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + OPENAPI_RESOURCE, e);
        }
    }

    /**
     * A router with the runtime's error handling and this API: for a server of its own (tests). A service that
     * also serves the ops endpoints calls {@link #mount} on its one router instead.
     */
    public Router router() {
        Router router = Router.router(vertx);
        HttpSupport.installErrorHandling(router);
        mount(router);
        return router;
    }

    /**
     * Adds the API's routes to {@code router}, which must have {@link HttpSupport#installErrorHandling} installed
     * first (the body handler and the one error body). Touches no other path than {@value #BASE}.
     */
    public void mount(Router router) {
        // Before the token check: the contract is public.
        router.get(BASE + "/openapi.yaml").handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml")
                .end(openApi));
        router.route(BASE + "/*").handler(HttpSupport.bearerToken(token));

        router.get(BASE + "/servers").handler(this::listServers);
        router.get(BASE + "/servers/:serverId").handler(this::showServer);
        router.put(BASE + "/servers/:serverId/maintenance").handler(this::setMaintenance);

        router.get(BASE + "/roles").handler(this::listRoles);
        router.post(BASE + "/roles").handler(this::createRole);
        router.get(BASE + "/roles/:roleId").handler(this::showRole);
        router.get(BASE + "/roles/:roleId/available-servers").handler(this::availableServers);
        router.post(BASE + "/roles/:roleId/servers").handler(ctx -> {
            String serverId = AdminRequests.addServer(body(ctx));
            change(ctx, role -> RoleEdits.withServerAdded(role, serverId), (before, after) -> "server " + serverId
                    + " added at position " + after.servers().size() + "; servers now " + after.servers());
        });
        router.put(BASE + "/roles/:roleId/servers").handler(ctx -> {
            List<String> order = AdminRequests.serverOrder(body(ctx));
            change(ctx, role -> RoleEdits.withServerOrder(role, order),
                    (before, after) -> "servers ordered " + after.servers());
        });
        router.delete(BASE + "/roles/:roleId/servers/:serverId").handler(ctx -> {
            String serverId = ctx.pathParam("serverId");
            change(ctx, role -> RoleEdits.withServerRemoved(role, serverId),
                    (before, after) -> "server " + serverId + " removed; servers now " + after.servers());
        });
        router.post(BASE + "/roles/:roleId/servers/:serverId/up").handler(ctx -> {
            String serverId = ctx.pathParam("serverId");
            change(ctx, role -> RoleEdits.withServerUp(role, serverId), (before, after) -> "server " + serverId
                    + " moved up to position " + (after.servers().indexOf(serverId) + 1) + "; servers now "
                    + after.servers());
        });
        router.post(BASE + "/roles/:roleId/servers/:serverId/down").handler(ctx -> {
            String serverId = ctx.pathParam("serverId");
            change(ctx, role -> RoleEdits.withServerDown(role, serverId), (before, after) -> "server " + serverId
                    + " moved down to position " + (after.servers().indexOf(serverId) + 1) + "; servers now "
                    + after.servers());
        });
        router.put(BASE + "/roles/:roleId/failback").handler(ctx -> {
            Failback failback = AdminRequests.failback(body(ctx));
            change(ctx, role -> RoleEdits.withFailback(role, failback), (before, after) -> after.forceHighestPriority()
                    ? "failback on (force highest priority after " + after.failbackDelay().toMillis() + " ms UP)"
                    : "failback off");
        });
        router.put(BASE + "/roles/:roleId/database").handler(ctx -> {
            AdminRequests.DatabaseFields database = AdminRequests.database(body(ctx));
            change(ctx, role -> RoleEdits.withDatabase(role, database), (before, after) -> "database set to "
                    + after.database().server() + " (" + after.database().host() + ":" + after.database().port() + ")");
        });
        router.put(BASE + "/roles/:roleId/gateway-port").handler(ctx -> {
            long port = AdminRequests.gatewayPort(body(ctx));
            change(ctx, role -> RoleEdits.withGatewayPort(role, port),
                    (before, after) -> "gateway port set to " + after.gatewayPort());
        });
        router.delete(BASE + "/roles/:roleId/gateway-port").handler(ctx -> change(ctx,
                role -> RoleEdits.withGatewayPort(role, null), (before, after) -> "gateway port removed"));
        router.post(BASE + "/roles/:roleId/move").handler(this::move);
        router.post(BASE + "/roles/:roleId/restart-budget/reset").handler(this::resetRestartBudget);
        router.post(BASE + "/safety-brake/release").handler(this::releaseSafetyBrake);
    }

    // ---- servers

    private void listServers(RoutingContext ctx) {
        blocking(store::servers).onSuccess(servers ->
                        HttpSupport.json(ctx, 200, new JsonObject().put("servers",
                                AdminJson.servers(servers, control.snapshot()))))
                .onFailure(failure -> fail(ctx, failure));
    }

    private void showServer(RoutingContext ctx) {
        String serverId = ctx.pathParam("serverId");
        blocking(() -> store.server(serverId).orElseThrow(() -> noServer(serverId)))
                .onSuccess(server -> answerServer(ctx, server))
                .onFailure(failure -> fail(ctx, failure));
    }

    private void setMaintenance(RoutingContext ctx) {
        String serverId = ctx.pathParam("serverId");
        boolean on = AdminRequests.maintenance(body(ctx));
        boolean force = AdminRequests.force(ctx.queryParam("force"));
        blocking(() -> {
            if (on && !force) {
                refuseIfRolesWouldStop(serverId);
            }
            return store.setMaintenance(serverId, on, actor).orElseThrow(() -> noServer(serverId));
        })
                .onSuccess(server -> {
                    LOG.info("server {}: maintenance {} by {}", serverId, on ? "on" : "off", actor);
                    control.maintenanceChanged(serverId, on, actor);
                    answerServer(ctx, server);
                })
                .onFailure(failure -> fail(ctx, failure));
    }

    /** 409 listing the roles maintenance of {@code serverId} would leave with no eligible server; on a worker. */
    private void refuseIfRolesWouldStop(String serverId) {
        PlacementSnapshot snapshot = control.snapshot();
        List<MaintenanceGuard.Stranded> stranded = MaintenanceGuard.strandedBy(serverId,
                store.roles().stream().map(RoleDefinition::toRoleConfig).toList(), snapshot.view());
        if (!stranded.isEmpty()) {
            List<String> roles = stranded.stream().map(MaintenanceGuard.Stranded::roleId).toList();
            LOG.info("server {}: maintenance by {} refused, it would stop roles {}", serverId, actor, roles);
            throw new ApiException(409, "maintenance of " + serverId + " would leave " + stranded.size()
                    + " roles with no eligible server, so they would stop: " + String.join(", ", roles)
                    + "; repeat with ?force=true to do it anyway",
                    stranded.stream().map(MaintenanceGuard.Stranded::describe).toList());
        }
    }

    private void answerServer(RoutingContext ctx, ServerRecord server) {
        PlacementSnapshot snapshot = control.snapshot();
        HttpSupport.json(ctx, 200, AdminJson.server(server, snapshot, AdminJson.hostedRoles(snapshot)));
    }

    // ---- roles

    private void listRoles(RoutingContext ctx) {
        blocking(store::roles).onSuccess(roles ->
                        HttpSupport.json(ctx, 200, new JsonObject().put("roles",
                                AdminJson.roles(roles, control.snapshot()))))
                .onFailure(failure -> {
                    PlacementSnapshot snapshot = control.snapshot();
                    if (StaleReads.apply(failure, snapshot)) {
                        LOG.warn("roles listed from memory: {}", StaleReads.note(snapshot));
                        HttpSupport.json(ctx, 200, StaleReads.roles(snapshot));
                    } else {
                        fail(ctx, failure);
                    }
                });
    }

    private void showRole(RoutingContext ctx) {
        String roleId = ctx.pathParam("roleId");
        blocking(() -> store.role(roleId).orElseThrow(() -> noRole(roleId)))
                .onSuccess(role -> answerRole(ctx, 200, role))
                .onFailure(failure -> {
                    PlacementSnapshot snapshot = control.snapshot();
                    Optional<JsonObject> remembered = StaleReads.apply(failure, snapshot)
                            ? StaleReads.role(snapshot, roleId) : Optional.empty();
                    if (remembered.isPresent()) {
                        HttpSupport.json(ctx, 200, remembered.get());
                    } else {
                        fail(ctx, failure);
                    }
                });
    }

    private void availableServers(RoutingContext ctx) {
        String roleId = ctx.pathParam("roleId");
        blocking(() -> {
            RoleDefinition role = store.role(roleId).orElseThrow(() -> noRole(roleId));
            return store.servers().stream().filter(server -> !role.servers().contains(server.serverId())).toList();
        }).onSuccess(servers -> HttpSupport.json(ctx, 200, new JsonObject().put("servers",
                        AdminJson.servers(servers, control.snapshot()))))
                .onFailure(failure -> fail(ctx, failure));
    }

    private void createRole(RoutingContext ctx) {
        CreateRole request = AdminRequests.createRole(body(ctx));
        blocking(() -> {
            synchronized (lockFor(request.roleId())) {
                RoleDefinition role = RoleEdits.create(request, actor, clock.instant(), store.servers(),
                        controlPlaneFailoverConfigured);
                RoleDefinition stored = store.create(role);
                LOG.info("role {}: created with servers {}, {}, {}, plugin {} by {} (version {})", stored.roleId(),
                        stored.servers(), stored.forceHighestPriority()
                                ? "failback on after " + stored.failbackDelay().toMillis() + " ms" : "failback off",
                        stored.database() == null ? "no database" : "database " + stored.database().server(),
                        stored.plugin() == null ? "sample" : stored.plugin().kind(), actor, stored.version());
                return new Stored(stored, true, publish(stored));
            }
        }).onSuccess(stored -> {
            ctx.response().putHeader(HttpHeaders.LOCATION, BASE + "/roles/" + stored.role().roleId());
            announced(ctx, 201, stored);
        }).onFailure(failure -> fail(ctx, failure));
    }

    /**
     * One configuration change of the role named in the path: edit, validate, store at version + 1, publish,
     * notify the loop, answer the stored role.
     *
     * @param describe what changed, for the log line, from the definitions before and after
     */
    private void change(RoutingContext ctx, UnaryOperator<RoleDefinition> edit,
            BiFunction<RoleDefinition, RoleDefinition, String> describe) {
        String roleId = ctx.pathParam("roleId");
        IfMatch ifMatch = IfMatch.parse(ctx.request().getHeader(HttpHeaders.IF_MATCH));
        blocking(() -> {
            synchronized (lockFor(roleId)) {
                RoleDefinition current = store.role(roleId).orElseThrow(() -> noRole(roleId));
                ifMatch.check(current);
                RoleDefinition candidate = edit.apply(current);
                RoleEdits.validate(current, candidate, store.servers(), controlPlaneFailoverConfigured);
                if (RoleEdits.sameConfiguration(current, candidate)) {
                    LOG.info("role {}: unchanged ({}); configuration announced again by {} (version {})", roleId,
                            describe.apply(current, current), actor, current.version());
                    return new Stored(current, false, publish(current));
                }
                RoleDefinition stored = store.update(
                        RoleEdits.stamped(candidate, current.version() + 1, actor, clock.instant()));
                LOG.info("role {}: {} by {} (version {})", roleId, describe.apply(current, stored), actor,
                        stored.version());
                return new Stored(stored, true, publish(stored));
            }
        }).onSuccess(stored -> announced(ctx, 200, stored))
                .onFailure(failure -> fail(ctx, failure));
    }

    /** A stored role and the publication of its configuration, in flight. */
    private record Stored(RoleDefinition role, boolean changed, CompletableFuture<Void> published) {
    }

    private CompletableFuture<Void> publish(RoleDefinition role) {
        // Handed to the producer while the role's lock is held, so that events leave in version order.
        return publisher.publish(role.toEvent(UUID.randomUUID(), clock.instant()));
    }

    /** Tells the loop, waits for the event's acknowledgement, answers the role (503 when it was not published). */
    private void announced(RoutingContext ctx, int status, Stored stored) {
        if (stored.changed()) {
            // The store is the loop's source of truth: it reloads whether or not the event made it to Kafka.
            control.rolesChanged();
        }
        RoleDefinition role = stored.role();
        Future.fromCompletionStage(stored.published(), vertx.getOrCreateContext())
                .onSuccess(ignored -> answerRole(ctx, status, role))
                .onFailure(failure -> {
                    Throwable cause = unwrap(failure);
                    LOG.warn("role {}: version {} is stored but RoleConfigured was not published: {}", role.roleId(),
                            role.version(), cause.toString());
                    fail(ctx, new ApiException(503, "role " + role.roleId() + " is stored at version " + role.version()
                            + " and the placement uses it, but announcing it on the config-events topic failed ("
                            + cause.getMessage() + "); once Kafka is back, re-send a PUT that changes nothing (e.g. "
                            + "PUT " + BASE + "/roles/" + role.roleId() + "/failback with the current values) to "
                            + "announce it again"));
                });
    }

    private void answerRole(RoutingContext ctx, int status, RoleDefinition role) {
        ctx.response().putHeader(HttpHeaders.ETAG, IfMatch.etag(role.version()));
        HttpSupport.json(ctx, status, AdminJson.role(role, control.snapshot()));
    }

    private void move(RoutingContext ctx) {
        if (forwardedToLeader(ctx)) {
            return;
        }
        String roleId = ctx.pathParam("roleId");
        String to = AdminRequests.move(body(ctx));
        blocking(() -> store.role(roleId).orElseThrow(() -> noRole(roleId)))
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
                                + " ms; the move may still happen: check GET " + BASE + "/roles/" + roleId)
                        : failure));
    }

    private void resetRestartBudget(RoutingContext ctx) {
        if (forwardedToLeader(ctx)) {
            return;
        }
        String roleId = ctx.pathParam("roleId");
        blocking(() -> store.role(roleId).isPresent())
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
        if (!snapshot.leader() && snapshot.leaderAdminUrl() != null && ctx.request().getHeader(FORWARDED_BY) == null) {
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
                    request.putHeader(FORWARDED_BY, snapshot.instanceId());
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

    // ---- plumbing

    private <T> Future<T> blocking(Callable<T> work) {
        return workers.executeBlocking(work, false);
    }

    private Object lockFor(String roleId) {
        return roleLocks[Math.floorMod(roleId.hashCode(), LOCK_STRIPES)];
    }

    private static byte[] body(RoutingContext ctx) {
        if (!ctx.body().available()) {
            throw new IllegalStateException("no body handler: install HttpSupport.installErrorHandling before mount");
        }
        Buffer buffer = ctx.body().buffer();
        return buffer == null ? null : buffer.getBytes();
    }

    /** Store outcomes as API errors; anything else reaches the error handler as it is (500, logged there). */
    private static void fail(RoutingContext ctx, Throwable failure) {
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

    private static ApiException noRole(String roleId) {
        return ApiException.notFound("no role '" + AdminRequests.abbreviated(roleId) + "'");
    }

    private static ApiException noServer(String serverId) {
        return ApiException.notFound("no registered server '" + AdminRequests.abbreviated(serverId)
                + "': a server registers with its first heartbeat");
    }

    /** Releases the worker pool. The store, publisher and Vert.x belong to the caller. */
    @Override
    public void close() {
        workers.close();
        forwarding.close();
    }

    /** The optional {@code If-Match} precondition of a change: entity tags are the role's version, {@code "4"}. */
    record IfMatch(List<Long> versions, boolean any) {
        private static final IfMatch NONE = new IfMatch(List.of(), true);

        static String etag(long version) {
            return "\"" + version + "\"";
        }

        /** @throws ApiException 400 when the header is not a list of entity tags */
        static IfMatch parse(String header) {
            if (header == null) {
                return NONE;
            }
            if (header.trim().equals("*")) {
                return new IfMatch(List.of(), true);
            }
            List<Long> versions = new ArrayList<>();
            for (String tag : header.split(",", -1)) {
                String t = tag.trim();
                if (t.matches("W/\"[^\"]*\"")) {
                    continue; // a weak tag never matches: If-Match compares strongly (RFC 9110, 13.1.1)
                }
                if (!t.matches("\"[0-9]{1,18}\"")) {
                    throw ApiException.badRequest("If-Match must list entity tags such as \"4\" (the role's version), "
                            + "was " + AdminRequests.abbreviated(header));
                }
                versions.add(Long.parseLong(t.substring(1, t.length() - 1)));
            }
            return new IfMatch(List.copyOf(versions), false);
        }

        /** @throws ApiException 412 when the role is not at one of the versions the client based its change on */
        void check(RoleDefinition current) {
            if (!any && !versions.contains(current.version())) {
                String wanted = versions.isEmpty() ? "a strong entity tag of its version"
                        : versions.size() == 1 ? String.valueOf(versions.get(0)) : "one of " + versions;
                throw new ApiException(412, "role " + current.roleId() + " is at version " + current.version()
                        + ", not " + wanted + " as If-Match requires: read it again and redo the change");
            }
        }
    }
}
