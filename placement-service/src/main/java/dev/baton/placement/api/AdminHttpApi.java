package dev.baton.placement.api;

import dev.baton.events.RoleConfigured;
import dev.baton.placement.policy.PolicyConfig;
import dev.baton.placement.policy.RoleConfigValidator;
import dev.baton.placement.store.RoleStore;
import dev.baton.runtime.http.HttpSupport;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The placement-service's admin API under {@value #BASE}: role configuration as in the vendor's "enabling failover
 * on the plugin role" procedure (a priority-ordered server list edited by add, remove, up and down; force execution
 * on the highest-priority server; a remote database), server maintenance and manual moves. The contract is
 * {@code openapi.yaml}, served without authentication at {@code GET /api/v1/openapi.yaml}; every other path needs
 * {@code Authorization: Bearer <token>}.
 *
 * <p>The routes are grouped by concern: {@link RoleConfigApi} (role configuration; every change validated by
 * {@link RoleConfigValidator} and the API's own rules, stored at version + 1 and announced as {@link
 * RoleConfigured}), {@link ServerApi} (servers and maintenance) and {@link LeaderApi} (what only the leader
 * answers: manual moves, restart budgets, the safety brake), {@link WhatIfApi} (what the policy would do if a
 * server failed, went into maintenance or came back) and {@link LiveFeed} (server-sent events for the console).
 * {@link TokenCheck} admits the operator token to everything and an optional read-only token to reads and what-if.
 *
 * <p>Threads: JDBC and the producer's {@code send} run on the bounded worker pool {@value #WORKER_POOL}, never on
 * the event loop ({@link ApiSupport}).
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

    /** Marks a request a standby forwarded to the leader. */
    static final String FORWARDED_BY = "X-Baton-Forwarded-By";

    private final Vertx vertx;
    private final TokenCheck tokens;
    private final Buffer openApi;
    private final ApiSupport support;
    private final RoleConfigApi roles;
    private final ServerApi servers;
    private final LeaderApi leader;
    private final WhatIfApi whatIf;
    private final LiveFeed live;

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
        this(vertx, store, control, publisher, token, null, controlPlaneFailoverConfigured, actor, clock, moveTimeout,
                PolicyConfig.defaults());
    }

    /**
     * @param readOnlyToken a second token that may only read (and ask what-if questions); null for none
     * @param policy the placement policy's settings, for what-if answers computed as the loop would decide
     */
    public AdminHttpApi(Vertx vertx, RoleStore store, PlacementControl control, ConfigPublisher publisher,
            String token, String readOnlyToken, boolean controlPlaneFailoverConfigured, String actor, Clock clock,
            Duration moveTimeout, PolicyConfig policy) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(publisher, "publisher");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the admin API needs a bearer token");
        }
        this.tokens = new TokenCheck(token, readOnlyToken, BASE + WhatIfApi.PATH);
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("actor must not be blank");
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(moveTimeout, "moveTimeout");
        this.openApi = Buffer.buffer(openApiDocument());
        this.support = new ApiSupport(vertx, WORKER_POOL, WORKER_POOL_SIZE);
        this.roles = new RoleConfigApi(vertx, support, store, control, publisher, controlPlaneFailoverConfigured,
                actor, clock);
        this.servers = new ServerApi(support, store, control, actor);
        this.leader = new LeaderApi(vertx, support, store, control, actor, moveTimeout);
        this.whatIf = new WhatIfApi(control, Objects.requireNonNull(policy, "policy"), clock);
        this.live = new LiveFeed(vertx, control);
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
        router.route(BASE + "/*").handler(tokens);

        servers.mount(router, BASE);
        roles.mount(router, BASE);
        leader.mount(router, BASE);
        whatIf.mount(router, BASE);
        live.mount(router, BASE);
    }

    /** Releases the worker pool. The store, publisher and Vert.x belong to the caller. */
    @Override
    public void close() {
        live.close();
        support.close();
        leader.close();
    }
}
