package dev.baton.placement.policy;

import dev.baton.placement.detector.ClusterView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Which roles would stop if a server went into maintenance: those for which it is the last eligible server of their
 * list. Pure: asked before the maintenance flag is stored, so an operator is warned (409) instead of silently
 * unplacing roles.
 */
public final class MaintenanceGuard {
    /** A role that would have no eligible server, and why each other server of its list is not eligible. */
    public record Stranded(String roleId, List<String> others) {
        public Stranded {
            Objects.requireNonNull(roleId, "roleId");
            others = List.copyOf(others);
        }

        /** e.g. {@code billing: no other eligible server (b is DOWN, c is in maintenance)}. */
        public String describe() {
            return roleId + ": no other eligible server" + (others.isEmpty() ? " in its list"
                    : " (" + String.join(", ", others) + ")");
        }
    }

    private MaintenanceGuard() {
    }

    /**
     * The roles, by id, that maintenance of {@code serverId} would leave with no eligible server. A role already
     * without any eligible server is not listed: the maintenance changes nothing for it.
     */
    public static List<Stranded> strandedBy(String serverId, Collection<RoleConfig> roles, ClusterView view) {
        Objects.requireNonNull(serverId, "serverId");
        List<Stranded> stranded = new ArrayList<>();
        for (RoleConfig role : roles) {
            if (!role.lists(serverId) || Ineligibility.of(role, view.find(serverId)) != null) {
                continue;
            }
            List<String> others = new ArrayList<>();
            boolean another = false;
            for (String other : role.servers()) {
                if (other.equals(serverId)) {
                    continue;
                }
                Ineligibility problem = Ineligibility.of(role, view.find(other));
                if (problem == null) {
                    another = true;
                    break;
                }
                others.add(problem.describe(other));
            }
            if (!another) {
                stranded.add(new Stranded(role.roleId(), others));
            }
        }
        stranded.sort(Comparator.comparing(Stranded::roleId));
        return stranded;
    }
}
