package dev.baton.placement.api;

import static dev.baton.placement.api.ApiSupport.body;

import dev.baton.placement.policy.Move;
import dev.baton.placement.policy.PolicyConfig;
import dev.baton.placement.policy.Unplacement;
import dev.baton.placement.policy.WhatIf;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.runtime.http.ApiException;
import dev.baton.runtime.http.HttpSupport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /what-if}: the moves and stops the placement policy would make now if a server failed, went into
 * maintenance or came back, computed by {@link WhatIf} on the loop's latest snapshot. It reads memory only (no
 * database, nothing published), so it answers on the event loop, and a read-only token may ask it.
 */
final class WhatIfApi {
    static final String PATH = "/what-if";
    private static final Logger LOG = LoggerFactory.getLogger(WhatIfApi.class);

    private final PlacementControl control;
    private final WhatIf whatIf;
    private final Clock clock;

    WhatIfApi(PlacementControl control, PolicyConfig policy, Clock clock) {
        this.control = control;
        this.whatIf = new WhatIf(policy);
        this.clock = clock;
    }

    void mount(Router router, String base) {
        router.post(base + PATH).handler(this::whatIf);
    }

    private void whatIf(RoutingContext ctx) {
        AdminRequests.WhatIfFields request = AdminRequests.whatIf(body(ctx));
        WhatIf.Scenario scenario;
        try {
            scenario = WhatIf.Scenario.parse(request.scenario());
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("what-if rejected: scenario: " + e.getMessage(),
                    java.util.List.of("scenario: " + e.getMessage()));
        }
        PlacementSnapshot snapshot = control.snapshot();
        WhatIf.Outcome outcome;
        try {
            outcome = whatIf.decide(request.serverId(), scenario,
                    snapshot.roles().stream().map(RoleDefinition::toRoleConfig).toList(), snapshot.view(),
                    snapshot.assignments(), clock.instant());
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        }
        LOG.info("what-if {} {}: {} moves, {} stops (nothing changed)", request.serverId(), scenario.wireName(),
                outcome.moves().size(), outcome.stops().size());
        JsonArray moves = new JsonArray();
        for (Move move : outcome.moves()) {
            moves.add(AdminJson.move(move));
        }
        JsonArray stops = new JsonArray();
        for (Unplacement stop : outcome.stops()) {
            JsonObject json = new JsonObject().put("roleId", stop.roleId());
            if (stop.from() != null) {
                json.put("from", stop.from());
            }
            stops.add(json.put("cause", stop.cause()));
        }
        JsonObject answer = new JsonObject().put("serverId", outcome.serverId())
                .put("scenario", scenario.wireName()).put("moves", moves).put("stops", stops);
        if (outcome.deferredBecause() != null) {
            answer.put("deferredBecause", outcome.deferredBecause());
        }
        HttpSupport.json(ctx, 200, answer);
    }
}
