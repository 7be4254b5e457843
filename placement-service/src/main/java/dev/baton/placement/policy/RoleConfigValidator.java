package dev.baton.placement.policy;

import dev.baton.events.DatabaseRef;
import dev.baton.events.Ids;
import dev.baton.events.ServerKind;
import dev.baton.placement.detector.ServerIdentity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a role configuration before it is stored. Pure: what it knows about servers is passed in.
 *
 * <p>Rules, each reported as a {@link ConfigError}:
 * <ul>
 *   <li>the role id and every server id are valid ids; the list is not empty and names no server twice; the
 *       failback delay is not negative;</li>
 *   <li>the database is not on the local machine: its server name does not start with {@code (local)} (any case),
 *       and neither its name nor its host is {@code .}, {@code localhost} or a loopback address;</li>
 *   <li>the database is not on one of the role's servers: the host part of the database server name
 *       ({@code HOST} in {@code HOST\INSTANCE}, {@code HOST,PORT} or {@code tcp:HOST}) and the database host are
 *       compared, ignoring case, with each listed server's id and advertised host; a bare name also matches the
 *       first label of a dotted name ({@code srv-b} matches {@code srv-b.corp.example});</li>
 *   <li>a role whose list contains a MAIN server is rejected unless control-plane failover is configured.</li>
 * </ul>
 * Servers that never heartbeated are not known: their kind and host cannot be checked, their id still is.
 */
public final class RoleConfigValidator {
    private RoleConfigValidator() {
    }

    /**
     * @param knownServers what heartbeats declared about servers (id, advertised host, kind)
     * @param controlPlaneFailoverConfigured whether the control plane itself fails over; required to host roles on
     *     the MAIN server
     * @return the problems found, in field order; empty when the configuration is acceptable
     */
    public static List<ConfigError> validate(RoleConfig role, Collection<ServerIdentity> knownServers,
            boolean controlPlaneFailoverConfigured) {
        List<ConfigError> errors = new ArrayList<>();
        idError("roleId", role.roleId(), errors);
        Map<String, ServerIdentity> known = new HashMap<>();
        for (ServerIdentity server : knownServers) {
            known.put(server.serverId(), server);
        }
        if (role.servers().isEmpty()) {
            errors.add(new ConfigError("servers", "list at least one server"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < role.servers().size(); i++) {
            String field = "servers[" + i + "]";
            String serverId = role.servers().get(i);
            if (idError(field, serverId, errors)) {
                continue;
            }
            if (!seen.add(serverId)) {
                errors.add(new ConfigError(field, "'" + serverId + "' is listed twice"));
                continue;
            }
            ServerIdentity identity = known.get(serverId);
            if (identity != null && identity.kind() == ServerKind.MAIN && !controlPlaneFailoverConfigured) {
                errors.add(new ConfigError(field, "'" + serverId + "' is the MAIN server: hosting a role on the main "
                        + "server requires control-plane failover to be configured; move the role to expansion "
                        + "servers or configure control-plane failover first"));
            }
        }
        if (role.failbackDelay().isNegative()) {
            errors.add(new ConfigError("failbackDelay", "must not be negative, was "
                    + role.failbackDelay().toMillis() + " ms"));
        }
        if (role.database() != null) {
            checkDatabase(role, role.database(), known, errors);
        }
        return List.copyOf(errors);
    }

    private static void checkDatabase(RoleConfig role, DatabaseRef database, Map<String, ServerIdentity> known,
            List<ConfigError> errors) {
        String serverName = database.server().trim();
        String nameHost = hostPart(serverName);
        if (serverName.toLowerCase(Locale.ROOT).startsWith("(local)") || isLocalAlias(nameHost)) {
            errors.add(new ConfigError("database.server", "'" + database.server() + "' is a database on the local "
                    + "machine: restore the role's database on a remote server that hosts none of the role's "
                    + "servers and name that server instead, e.g. DBHOST\\SQLEXPRESS"));
        } else {
            String server = listedServerAt(role, nameHost, known);
            if (server != null) {
                errors.add(new ConfigError("database.server", onRoleServer(database.server(), server)));
            }
        }
        String host = database.host().trim();
        if (isLocalAlias(host)) {
            errors.add(new ConfigError("database.host", "'" + database.host() + "' is the local machine: the "
                    + "database must be on a remote server that hosts none of the role's servers"));
        } else {
            String server = listedServerAt(role, host, known);
            if (server != null) {
                errors.add(new ConfigError("database.host", onRoleServer(database.host(), server)));
            }
        }
    }

    private static String onRoleServer(String value, String server) {
        return "'" + value + "' is on " + server + ", one of the role's servers: the database must be on a third "
                + "computer, separate from the servers hosting the role";
    }

    /** The listed server whose id or advertised host names the same machine as {@code host}, or null. */
    private static String listedServerAt(RoleConfig role, String host, Map<String, ServerIdentity> known) {
        if (host.isEmpty()) {
            return null;
        }
        for (String serverId : role.servers()) {
            if (sameMachine(host, serverId)) {
                return serverId;
            }
            ServerIdentity identity = known.get(serverId);
            if (identity != null && sameMachine(host, identity.host())) {
                return serverId + " (" + identity.host() + ")";
            }
        }
        return null;
    }

    /** Equal ignoring case, or a bare name equal to the first label of a dotted host name. */
    static boolean sameMachine(String a, String b) {
        String x = a.trim().toLowerCase(Locale.ROOT);
        String y = b.trim().toLowerCase(Locale.ROOT);
        if (x.equals(y)) {
            return true;
        }
        if (isAddress(x) || isAddress(y)) {
            return false;
        }
        if (!x.contains(".") && y.contains(".")) {
            return y.substring(0, y.indexOf('.')).equals(x);
        }
        if (!y.contains(".") && x.contains(".")) {
            return x.substring(0, x.indexOf('.')).equals(y);
        }
        return false;
    }

    /** The host of a SQL Server style name: {@code tcp:HOST\INSTANCE,PORT} gives {@code HOST}. */
    static String hostPart(String serverName) {
        String name = serverName.trim();
        int colon = name.indexOf(':');
        if (colon > 0 && name.substring(0, colon).matches("(?i)tcp|np|lpc|admin")) {
            name = name.substring(colon + 1);
        }
        int end = name.length();
        for (char separator : new char[] {'\\', ','}) {
            int at = name.indexOf(separator);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return name.substring(0, end).trim();
    }

    private static boolean isLocalAlias(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals(".") || h.equals("localhost") || h.startsWith("127.") || h.equals("::1")
                || h.equals("[::1]") || h.startsWith("(local)");
    }

    private static boolean isAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    /** Adds an error and returns true when {@code value} is not a valid id. */
    private static boolean idError(String field, String value, List<ConfigError> errors) {
        try {
            Ids.requireValid("id", value);
            return false;
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigError(field, e.getMessage()));
            return true;
        }
    }
}
