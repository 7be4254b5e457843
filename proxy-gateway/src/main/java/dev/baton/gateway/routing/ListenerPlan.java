package dev.baton.gateway.routing;

import dev.baton.events.InFlightConfig;
import dev.baton.gateway.connection.InFlightPolicy;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which roles the gateway should listen for on which port, from the roles' configuration (the {@code gatewayPort}
 * of each role's latest RoleConfigured) and the gateway's static {@code routes}. Pure: the caller passes what is
 * open and carries out the {@link Changes}.
 *
 * <p>Rules:
 * <ol>
 *   <li>A role named in the static {@code routes} keeps its static listener; its configured port is ignored (the
 *       static route is an override) and its static port is reserved.
 *   <li>A role with a configured port gets a listener on it; a role without one (or deleted) gets none.
 *   <li>Two roles wanting the same port: the one already listening on it keeps it, otherwise the smaller role id
 *       wins; the other is refused with a reason until the port is free. The placement rejects a port used twice,
 *       but config-events has several partitions, so a gateway may read "B takes 7001" before "A leaves 7001".
 * </ol>
 */
public final class ListenerPlan {
    private final Map<String, Integer> staticPorts;
    private final Map<String, Integer> configured = new TreeMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, InFlightConfig> inFlight = new HashMap<>();

    /** A plan with the static routes' ports ({@code roleId → port}, 0 for "any free port"). */
    public ListenerPlan(Map<String, Integer> staticPorts) {
        this.staticPorts = Map.copyOf(staticPorts);
    }

    /**
     * A role's gateway port as a configuration record says: null when it has none or the role was deleted.
     *
     * @param version the configuration's version; {@link #DELETED} for a tombstone
     * @param inFlight the role's in-flight policy; null leaves it to the gateway's configuration
     */
    public record RolePort(String roleId, Integer port, long version, InFlightConfig inFlight) {
        public static final long DELETED = -1;

        public RolePort {
            Objects.requireNonNull(roleId, "roleId");
        }

        /** A port without an in-flight policy of the role's own. */
        public RolePort(String roleId, Integer port, long version) {
            this(roleId, port, version, null);
        }

        /** The role was deleted (a tombstone on the compacted topic). */
        public static RolePort deleted(String roleId) {
            return new RolePort(roleId, null, DELETED);
        }
    }

    /** What to do to reach the plan: close these listeners, open those, and why some roles get none. */
    public record Changes(Map<String, Integer> close, Map<String, Integer> open, Map<String, String> refused) {
        public Changes {
            close = Map.copyOf(close);
            open = Map.copyOf(open);
            refused = Map.copyOf(refused);
        }

        public boolean none() {
            return close.isEmpty() && open.isEmpty();
        }
    }

    /**
     * Folds a role's configuration. A version older than one already folded changes nothing: two placement
     * instances may publish changes of one role out of order. A deletion forgets the role, versions included.
     *
     * @return whether the role's wanted port changed
     */
    public boolean configure(RolePort rolePort) {
        String roleId = rolePort.roleId();
        if (rolePort.version() == RolePort.DELETED) {
            versions.remove(roleId);
        } else {
            Long newest = versions.get(roleId);
            if (newest != null && rolePort.version() < newest) {
                return false;
            }
            versions.put(roleId, rolePort.version());
        }
        if (rolePort.inFlight() == null) {
            inFlight.remove(roleId);
        } else {
            inFlight.put(roleId, rolePort.inFlight());
        }
        Integer port = rolePort.port();
        Integer before = port == null ? configured.remove(roleId) : configured.put(roleId, port);
        return !Objects.equals(before, port);
    }

    /** Whether {@code roleId} has a static route, which wins over its configuration. */
    public boolean isStatic(String roleId) {
        return staticPorts.containsKey(roleId);
    }

    /**
     * The in-flight policy of a role listening on its configured port: the role's own when its configuration has one
     * (its replay limit capped at {@code maxReplayBytes}, the bytes a connection may hold), else {@code defaults}
     * (the gateway's {@code inflight.policy}). Roles with a static route keep the policy of their route.
     */
    public InFlightPolicy inFlightPolicy(String roleId, InFlightPolicy defaults, int maxReplayBytes) {
        InFlightConfig own = inFlight.get(roleId);
        if (own == null) {
            return defaults;
        }
        int limit = own.replayLimitBytes() == null ? defaults.replayLimitBytes()
                : Math.min(own.replayLimitBytes(), maxReplayBytes);
        return new InFlightPolicy(InFlightPolicy.Mode.parse(own.policy()), limit);
    }

    /** The configured port of {@code roleId}, or null. */
    public Integer configuredPort(String roleId) {
        return configured.get(roleId);
    }

    /**
     * The changes that turn {@code open} (the configuration-driven listeners open or opening: {@code roleId →
     * port}; static routes are not in it) into the wanted set. A role whose port changes is in both {@code close}
     * and {@code open}: close first, so that a port one role leaves can be taken by another in the same round.
     */
    public Changes changes(Map<String, Integer> open) {
        Map<String, Integer> wanted = wanted(open);
        Map<String, Integer> close = new LinkedHashMap<>();
        Map<String, Integer> toOpen = new LinkedHashMap<>();
        open.forEach((roleId, port) -> {
            if (!port.equals(wanted.get(roleId))) {
                close.put(roleId, port);
            }
        });
        wanted.forEach((roleId, port) -> {
            if (!port.equals(open.get(roleId))) {
                toOpen.put(roleId, port);
            }
        });
        return new Changes(close, toOpen, refused(wanted));
    }

    private Map<String, Integer> wanted(Map<String, Integer> open) {
        Map<Integer, String> owners = new HashMap<>();
        staticPorts.forEach((roleId, port) -> {
            if (port != 0) {
                owners.put(port, roleId);
            }
        });
        // A role already on its port keeps it: a newer claim on the same port waits for it to leave.
        List<String> order = configured.keySet().stream()
                .filter(roleId -> !isStatic(roleId))
                .sorted(Comparator.comparing((String roleId) -> !holds(open, roleId))
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
        Map<String, Integer> wanted = new TreeMap<>();
        for (String roleId : order) {
            Integer port = configured.get(roleId);
            if (owners.putIfAbsent(port, roleId) == null) {
                wanted.put(roleId, port);
            }
        }
        return wanted;
    }

    private boolean holds(Map<String, Integer> open, String roleId) {
        return Objects.equals(open.get(roleId), configured.get(roleId));
    }

    private Map<String, String> refused(Map<String, Integer> wanted) {
        Map<Integer, String> owners = new HashMap<>();
        staticPorts.forEach((roleId, port) -> owners.put(port, roleId));
        wanted.forEach((roleId, port) -> owners.put(port, roleId));
        Map<String, String> refused = new TreeMap<>();
        Set<String> wantedRoles = wanted.keySet();
        configured.forEach((roleId, port) -> {
            if (!isStatic(roleId) && !wantedRoles.contains(roleId)) {
                String owner = owners.get(port);
                refused.put(roleId, "port " + port + " is taken by role " + owner
                        + (isStatic(owner) ? " (static route)" : "") + "; waiting for it to be free");
            }
        });
        return refused;
    }
}
