package dev.baton.placement.api;

import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.RoleStoreException;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * What {@code GET /roles} and {@code GET /roles/{roleId}} answer while the placement's database does not: the
 * configuration as the placement loop last loaded it, with the live state from its memory, and a {@code stale} note
 * saying since when the configuration is known. A role changed meanwhile through another instance may show its older
 * version; nothing else is guessed.
 */
final class StaleReads {
    private StaleReads() {
    }

    /** Whether {@code failure} is the database not answering and the loop has a configuration to answer from. */
    static boolean apply(Throwable failure, PlacementSnapshot snapshot) {
        return ApiSupport.unwrap(failure) instanceof RoleStoreException.Unavailable && snapshot.rolesLoadedAt() != null;
    }

    static String note(PlacementSnapshot snapshot) {
        return "the placement database does not answer: role configuration as loaded at " + snapshot.rolesLoadedAt()
                + ", it may be stale; hosts and states are current";
    }

    static JsonObject roles(PlacementSnapshot snapshot) {
        return new JsonObject().put("roles", AdminJson.roles(snapshot.roles(), snapshot)).put("stale", note(snapshot));
    }

    static Optional<JsonObject> role(PlacementSnapshot snapshot, String roleId) {
        for (RoleDefinition role : snapshot.roles()) {
            if (role.roleId().equals(roleId)) {
                return Optional.of(AdminJson.role(role, snapshot).put("stale", note(snapshot)));
            }
        }
        return Optional.empty();
    }
}
