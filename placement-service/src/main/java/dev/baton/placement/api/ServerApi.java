package dev.baton.placement.api;

import static dev.baton.placement.api.ApiSupport.body;
import static dev.baton.placement.api.ApiSupport.fail;
import static dev.baton.placement.api.ApiSupport.noServer;

import dev.baton.placement.policy.MaintenanceGuard;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.RoleStore;
import dev.baton.placement.store.ServerRecord;
import dev.baton.runtime.http.ApiException;
import dev.baton.runtime.http.HttpSupport;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of the admin API: list them with their state and hosted roles, and turn maintenance on or off
 * (refused with 409 when it would leave a role with no eligible server, unless {@code force=true}).
 */
final class ServerApi {
    private static final Logger LOG = LoggerFactory.getLogger(ServerApi.class);

    private final ApiSupport support;
    private final RoleStore store;
    private final PlacementControl control;
    private final String actor;

    ServerApi(ApiSupport support, RoleStore store, PlacementControl control, String actor) {
        this.support = support;
        this.store = store;
        this.control = control;
        this.actor = actor;
    }

    void mount(Router router, String base) {
        router.get(base + "/servers").handler(this::listServers);
        router.get(base + "/servers/:serverId").handler(this::showServer);
        router.put(base + "/servers/:serverId/maintenance").handler(this::setMaintenance);
    }

    private void listServers(RoutingContext ctx) {
        support.blocking(store::servers).onSuccess(servers ->
                        HttpSupport.json(ctx, 200, new JsonObject().put("servers",
                                AdminJson.servers(servers, control.snapshot()))))
                .onFailure(failure -> fail(ctx, failure));
    }

    private void showServer(RoutingContext ctx) {
        String serverId = ctx.pathParam("serverId");
        support.blocking(() -> store.server(serverId).orElseThrow(() -> noServer(serverId)))
                .onSuccess(server -> answerServer(ctx, server))
                .onFailure(failure -> fail(ctx, failure));
    }

    private void setMaintenance(RoutingContext ctx) {
        String serverId = ctx.pathParam("serverId");
        boolean on = AdminRequests.maintenance(body(ctx));
        boolean force = AdminRequests.force(ctx.queryParam("force"));
        support.blocking(() -> {
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
}
