package dev.baton.placement.policy;

import java.util.List;
import java.util.Objects;

/**
 * Where a role is assigned, plus what the policy must remember about it between rounds.
 *
 * @param epoch increases with every change of the assignment; 0 while the role has never been placed
 * @param serverId the server that must run the role at this epoch; null while the role is unplaced
 * @param resourceFailures recent RESOURCE_FAILURE moves of the role, oldest first: the restart budget counts them.
 *     The policy maintains this list in {@link Decision#next()}; an assignment bootstrapped from the
 *     role-assignments topic starts with an empty list
 */
public record Assignment(String roleId, long epoch, String serverId, List<ResourceFailure> resourceFailures) {
    public Assignment {
        Objects.requireNonNull(roleId, "roleId");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, was " + epoch);
        }
        resourceFailures = List.copyOf(resourceFailures);
    }

    /** A role assigned to {@code serverId} at {@code epoch}, with no remembered failures. */
    public static Assignment placed(String roleId, long epoch, String serverId) {
        return new Assignment(roleId, epoch, Objects.requireNonNull(serverId, "serverId"), List.of());
    }

    /** A role announced unplaced at {@code epoch}. */
    public static Assignment unplaced(String roleId, long epoch) {
        return new Assignment(roleId, epoch, null, List.of());
    }

    public boolean isPlaced() {
        return serverId != null;
    }
}
