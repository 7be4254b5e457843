package dev.baton.placement.api;

import static dev.baton.placement.api.ApiSupport.body;
import static dev.baton.placement.api.ApiSupport.fail;
import static dev.baton.placement.api.ApiSupport.noRole;
import static dev.baton.placement.api.ApiSupport.unwrap;

import dev.baton.events.RoleConfigured;
import dev.baton.placement.api.AdminRequests.CreateRole;
import dev.baton.placement.api.AdminRequests.Failback;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.RoleStore;
import dev.baton.runtime.http.ApiException;
import dev.baton.runtime.http.HttpSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Role configuration, as in the seed procedure: list and show roles, create, replace and delete one, and the single
 * edits (servers added, removed, moved up or down; failback, its window, database, gateway port, in-flight policy).
 *
 * <p>Every change runs the same steps: read the stored role, check {@code If-Match}, apply the edit ({@link
 * RoleEdits}), validate the result (422 with every problem), store it at version + 1 (409 when another change came
 * first), publish {@link RoleConfigured} (a tombstone for a deletion), tell the placement loop, answer the stored
 * role. A request that changes nothing stores nothing and announces the current version again: re-sending a
 * {@code PUT} repairs a publication that failed. Changes of one role are serialized in this instance so that their
 * events leave in version order.
 */
final class RoleConfigApi {
    private static final Logger LOG = LoggerFactory.getLogger(RoleConfigApi.class);

    private final Vertx vertx;
    private final ApiSupport support;
    private final RoleStore store;
    private final PlacementControl control;
    private final ConfigPublisher publisher;
    private final boolean controlPlaneFailoverConfigured;
    private final String actor;
    private final Clock clock;

    RoleConfigApi(Vertx vertx, ApiSupport support, RoleStore store, PlacementControl control,
            ConfigPublisher publisher, boolean controlPlaneFailoverConfigured, String actor, Clock clock) {
        this.vertx = vertx;
        this.support = support;
        this.store = store;
        this.control = control;
        this.publisher = publisher;
        this.controlPlaneFailoverConfigured = controlPlaneFailoverConfigured;
        this.actor = actor;
        this.clock = clock;
    }

    void mount(Router router, String base) {
        router.get(base + "/roles").handler(this::listRoles);
        router.post(base + "/roles").handler(this::createRole);
        router.get(base + "/roles/:roleId").handler(this::showRole);
        router.put(base + "/roles/:roleId").handler(this::replaceRole);
        router.delete(base + "/roles/:roleId").handler(this::deleteRole);
        router.get(base + "/roles/:roleId/available-servers").handler(this::availableServers);
        router.post(base + "/roles/:roleId/servers").handler(ctx -> {
            String serverId = AdminRequests.addServer(body(ctx));
            change(ctx, role -> RoleEdits.withServerAdded(role, serverId), (before, after) -> "server " + serverId
                    + " added at position " + after.servers().size() + "; servers now " + after.servers());
        });
        router.put(base + "/roles/:roleId/servers").handler(ctx -> {
            List<String> order = AdminRequests.serverOrder(body(ctx));
            change(ctx, role -> RoleEdits.withServerOrder(role, order),
                    (before, after) -> "servers ordered " + after.servers());
        });
        router.delete(base + "/roles/:roleId/servers/:serverId").handler(ctx -> {
            String serverId = ctx.pathParam("serverId");
            change(ctx, role -> RoleEdits.withServerRemoved(role, serverId),
                    (before, after) -> "server " + serverId + " removed; servers now " + after.servers());
        });
        router.post(base + "/roles/:roleId/servers/:serverId/up").handler(ctx -> {
            String serverId = ctx.pathParam("serverId");
            change(ctx, role -> RoleEdits.withServerUp(role, serverId), (before, after) -> "server " + serverId
                    + " moved up to position " + (after.servers().indexOf(serverId) + 1) + "; servers now "
                    + after.servers());
        });
        router.post(base + "/roles/:roleId/servers/:serverId/down").handler(ctx -> {
            String serverId = ctx.pathParam("serverId");
            change(ctx, role -> RoleEdits.withServerDown(role, serverId), (before, after) -> "server " + serverId
                    + " moved down to position " + (after.servers().indexOf(serverId) + 1) + "; servers now "
                    + after.servers());
        });
        router.put(base + "/roles/:roleId/failback").handler(ctx -> {
            Failback failback = AdminRequests.failback(body(ctx));
            change(ctx, role -> RoleEdits.withFailback(role, failback), (before, after) -> after.forceHighestPriority()
                    ? "failback on (force highest priority after " + after.failbackDelay().toMillis() + " ms UP)"
                    : "failback off");
        });
        router.put(base + "/roles/:roleId/failback-window").handler(ctx -> {
            AdminRequests.WindowFields window = AdminRequests.failbackWindow(body(ctx));
            change(ctx, role -> RoleEdits.withFailbackWindow(role, window),
                    (before, after) -> "failback window set to " + after.failbackWindow());
        });
        router.delete(base + "/roles/:roleId/failback-window").handler(ctx -> change(ctx,
                role -> RoleEdits.withFailbackWindow(role, null), (before, after) -> "failback window removed"));
        router.put(base + "/roles/:roleId/database").handler(ctx -> {
            AdminRequests.DatabaseFields database = AdminRequests.database(body(ctx));
            change(ctx, role -> RoleEdits.withDatabase(role, database), (before, after) -> "database set to "
                    + after.database().server() + " (" + after.database().host() + ":" + after.database().port() + ")");
        });
        router.put(base + "/roles/:roleId/gateway-port").handler(ctx -> {
            long port = AdminRequests.gatewayPort(body(ctx));
            change(ctx, role -> RoleEdits.withGatewayPort(role, port),
                    (before, after) -> "gateway port set to " + after.gatewayPort());
        });
        router.delete(base + "/roles/:roleId/gateway-port").handler(ctx -> change(ctx,
                role -> RoleEdits.withGatewayPort(role, null), (before, after) -> "gateway port removed"));
        router.put(base + "/roles/:roleId/in-flight").handler(ctx -> {
            AdminRequests.InFlightFields inFlight = AdminRequests.inFlight(body(ctx));
            change(ctx, role -> RoleEdits.withInFlight(role, inFlight),
                    (before, after) -> "in-flight policy set to " + RoleEdits.describe(after.inFlight()));
        });
        router.delete(base + "/roles/:roleId/in-flight").handler(ctx -> change(ctx,
                role -> RoleEdits.withInFlight(role, null),
                (before, after) -> "in-flight policy removed (each gateway's own applies)"));
    }

    private void listRoles(RoutingContext ctx) {
        support.blocking(store::roles).onSuccess(roles ->
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
        support.blocking(() -> store.role(roleId).orElseThrow(() -> noRole(roleId)))
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
        support.blocking(() -> {
            RoleDefinition role = store.role(roleId).orElseThrow(() -> noRole(roleId));
            return store.servers().stream().filter(server -> !role.servers().contains(server.serverId())).toList();
        }).onSuccess(servers -> HttpSupport.json(ctx, 200, new JsonObject().put("servers",
                        AdminJson.servers(servers, control.snapshot()))))
                .onFailure(failure -> fail(ctx, failure));
    }

    private void createRole(RoutingContext ctx) {
        CreateRole request = AdminRequests.createRole(body(ctx));
        support.blocking(() -> {
            synchronized (support.lockFor(request.roleId())) {
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
            ctx.response().putHeader(HttpHeaders.LOCATION, AdminHttpApi.BASE + "/roles/" + stored.role().roleId());
            announced(ctx, 201, stored);
        }).onFailure(failure -> fail(ctx, failure));
    }

    /**
     * {@code PUT /roles/{roleId}}: the role's whole configuration at once (the console's Apply). It needs
     * {@code If-Match}: a whole list sent from a stale page must not silently undo someone else's change.
     */
    private void replaceRole(RoutingContext ctx) {
        String roleId = ctx.pathParam("roleId");
        if (ctx.request().getHeader(HttpHeaders.IF_MATCH) == null) {
            throw new ApiException(428, "replacing role " + AdminRequests.abbreviated(roleId) + " needs If-Match "
                    + "with the version it was read at (its ETag), so that a change made meanwhile is not undone");
        }
        CreateRole request = AdminRequests.createRole(body(ctx), roleId);
        change(ctx, role -> RoleEdits.replaced(role, request),
                (before, after) -> "configuration replaced: " + RoleEdits.differences(before, after));
    }

    /** {@code DELETE /roles/{roleId}}: the row goes, a tombstone is published, the placement unassigns the role. */
    private void deleteRole(RoutingContext ctx) {
        String roleId = ctx.pathParam("roleId");
        IfMatch ifMatch = IfMatch.parse(ctx.request().getHeader(HttpHeaders.IF_MATCH));
        support.blocking(() -> {
            synchronized (support.lockFor(roleId)) {
                RoleDefinition current = store.role(roleId).orElseThrow(() -> noRole(roleId));
                ifMatch.check(current);
                RoleDefinition deleted = store.delete(roleId, current.version());
                LOG.info("role {}: deleted by {} (was version {}, servers {}); its host stops it", roleId, actor,
                        deleted.version(), deleted.servers());
                return publisher.publishDeletion(roleId);
            }
        }).onSuccess(published -> {
            control.rolesChanged();
            Future.fromCompletionStage(published, vertx.getOrCreateContext())
                    .onSuccess(ignored -> ctx.response().setStatusCode(204).end())
                    .onFailure(failure -> {
                        Throwable cause = unwrap(failure);
                        LOG.warn("role {}: deleted but its tombstone was not published: {}", roleId, cause.toString());
                        fail(ctx, new ApiException(503, "role " + roleId + " is deleted and the placement unassigns "
                                + "it, but announcing the deletion on the config-events topic failed ("
                                + cause.getMessage() + "); gateways keep its listener until the deletion is "
                                + "announced: create and delete the role again once Kafka is back"));
                    });
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
        support.blocking(() -> {
            synchronized (support.lockFor(roleId)) {
                RoleDefinition current = store.role(roleId).orElseThrow(() -> noRole(roleId));
                ifMatch.check(current);
                RoleDefinition candidate = edit.apply(current);
                RoleEdits.validate(current, candidate, store.servers(), controlPlaneFailoverConfigured);
                if (RoleEdits.sameConfiguration(current, candidate)) {
                    LOG.info("role {}: unchanged ({}); configuration announced again by {} (version {})", roleId,
                            describe.apply(current, current), actor, current.version());
                    return new Stored(current, false, publish(current));
                }
                RoleDefinition stored = store.update(candidate.stamped(current.version() + 1, actor, clock.instant()));
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
                            + "PUT " + AdminHttpApi.BASE + "/roles/" + role.roleId() + "/failback with the current "
                            + "values) to announce it again"));
                });
    }

    private void answerRole(RoutingContext ctx, int status, RoleDefinition role) {
        ctx.response().putHeader(HttpHeaders.ETAG, IfMatch.etag(role.version()));
        HttpSupport.json(ctx, status, AdminJson.role(role, control.snapshot()));
    }
}
