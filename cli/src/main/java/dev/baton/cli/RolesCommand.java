package dev.baton.cli;

import static dev.baton.cli.http.ApiEndpoint.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.cli.format.ApiFormats;
import dev.baton.cli.http.ApiEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code baton roles ...}: the placement admin API's role configuration and manual moves. */
@Command(name = "roles", description = "List, show, create and change roles; move a role by hand.",
        subcommands = {RolesCommand.Create.class})
final class RolesCommand implements Callable<Integer> {
    private static final String ROLES = "/api/v1/roles";

    @ParentCommand
    BatonCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: list, show, create, add-server, "
                + "remove-server, up, down, failback, failback-window, database, gateway-port, in-flight, move, reset-budget or "
                + "delete");
    }

    @Command(name = "list", description = "Every role: its actual state (and why it does not serve), where it runs, "
            + "its servers, failback and database.")
    int list() {
        String body = root.placement().get(ROLES);
        return print(body, ApiFormats.roles(Json.parse("placement API", body)));
    }

    @Command(name = "show", description = "One role with its state and why, configuration, hosting server and epoch.")
    int show(@Parameters(paramLabel = "ROLE", description = "The role id.") String roleId) {
        String body = root.placement().get(ROLES + "/" + segment(roleId));
        return print(body, ApiFormats.role(Json.parse("placement API", body)));
    }

    @Command(name = "add-server", description = "Add a registered server at the bottom of the role's list.")
    int addServer(@Parameters(paramLabel = "ROLE") String roleId, @Parameters(paramLabel = "SERVER") String serverId) {
        ObjectNode request = Json.object().put("serverId", serverId);
        return changed(root.placement().post(path(roleId, "/servers"), request.toString()),
                "added " + serverId + " to " + roleId);
    }

    @Command(name = "remove-server", description = "Remove a server from the role's list (the role leaves it if it "
            + "runs there).")
    int removeServer(@Parameters(paramLabel = "ROLE") String roleId,
            @Parameters(paramLabel = "SERVER") String serverId) {
        return changed(root.placement().delete(path(roleId, "/servers/" + segment(serverId))),
                "removed " + serverId + " from " + roleId);
    }

    @Command(name = "up", description = "Move a server one position up in the role's list (higher priority).")
    int up(@Parameters(paramLabel = "ROLE") String roleId, @Parameters(paramLabel = "SERVER") String serverId) {
        return changed(root.placement().post(path(roleId, "/servers/" + segment(serverId) + "/up"), null),
                "moved " + serverId + " up in " + roleId);
    }

    @Command(name = "down", description = "Move a server one position down in the role's list (lower priority).")
    int down(@Parameters(paramLabel = "ROLE") String roleId, @Parameters(paramLabel = "SERVER") String serverId) {
        return changed(root.placement().post(path(roleId, "/servers/" + segment(serverId) + "/down"), null),
                "moved " + serverId + " down in " + roleId);
    }

    @Command(name = "failback", description = "Force execution on the highest-priority server (on), or let the "
            + "role stay where a failover put it (off).")
    int failback(@Parameters(paramLabel = "ROLE") String roleId,
            @Parameters(paramLabel = "on|off", description = "on or off") Toggle toggle,
            @Option(names = "--delay", paramLabel = "DURATION", converter = DurationConverter.class,
                    description = "How long a higher-priority server must be UP before the role moves back, "
                            + "e.g. 30s (default: keep the current delay).") Duration delay) {
        ObjectNode request = Json.object().put("forceHighestPriority", toggle.isOn());
        if (delay != null) {
            request.put("failbackDelayMs", delay.toMillis());
        }
        return changed(root.placement().put(path(roleId, "/failback"), request.toString()),
                "failback " + toggle + " for " + roleId);
    }

    @Command(name = "failback-window", description = "Allow failback only during some hours of the day (UTC), e.g. "
            + "22-6 for the night, or at any hour with 'none'. Failovers are not affected.")
    int failbackWindow(@Parameters(paramLabel = "ROLE") String roleId,
            @Parameters(paramLabel = "FROM-TO|none", description = "hours 0 to 23, the end excluded: 22-6; or none")
            String window) {
        if ("none".equals(window)) {
            return changed(root.placement().delete(path(roleId, "/failback-window")),
                    "failback at any hour for " + roleId);
        }
        String[] hours = window.split("-", -1);
        int from;
        int to;
        try {
            if (hours.length != 2) {
                throw new NumberFormatException(window);
            }
            from = Integer.parseInt(hours[0].trim());
            to = Integer.parseInt(hours[1].trim());
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "FROM-TO must be two hours such as 22-6, or none, was '"
                    + window + "'");
        }
        ObjectNode request = Json.object().put("fromHour", from).put("toHour", to);
        return changed(root.placement().put(path(roleId, "/failback-window"), request.toString()),
                "failback of " + roleId + " only from " + from + ":00 to " + to + ":00 UTC");
    }

    @Command(name = "in-flight", description = "What gateways do with the role's client connections awaiting an "
            + "answer when the host is lost: close (the client retries), replay (resend the request; idempotent "
            + "protocols only), repoint (one-way streams), or none for each gateway's own setting.")
    int inFlight(@Parameters(paramLabel = "ROLE") String roleId,
            @Parameters(paramLabel = "close|replay|repoint|none") String policy,
            @Option(names = "--replay-limit", paramLabel = "BYTES",
                    description = "With replay: the most unanswered bytes resent per connection (default: the "
                            + "gateway's inflight.replay.bytes).") Integer replayLimit) {
        if ("none".equals(policy)) {
            return changed(root.placement().delete(path(roleId, "/in-flight")),
                    "in-flight policy of " + roleId + " left to the gateways");
        }
        ObjectNode request = Json.object().put("policy", policy);
        if (replayLimit != null) {
            request.put("replayLimitBytes", replayLimit);
        }
        return changed(root.placement().put(path(roleId, "/in-flight"), request.toString()),
                "in-flight policy of " + roleId + " set to " + policy);
    }

    @Command(name = "delete", description = "Delete a role: its host stops it, gateways close its listener.")
    int delete(@Parameters(paramLabel = "ROLE") String roleId,
            @Option(names = "--yes", required = true, description = "Confirm: the role stops serving.") boolean yes) {
        String body = root.placement().delete(ROLES + "/" + segment(roleId));
        return print(body, "deleted role " + roleId + "; its host stops it and gateways close its listener\n");
    }

    @Command(name = "database", description = "Set the role's remote database server (never \"(local)\", never on "
            + "one of the role's servers).")
    int database(@Parameters(paramLabel = "ROLE") String roleId,
            @Option(names = "--server", required = true, paramLabel = "NAME",
                    description = "The name operators know it by, e.g. DBHOST\\SQLEXPRESS.") String server,
            @Option(names = "--host", required = true, paramLabel = "HOST",
                    description = "The host agents test reachability against.") String host,
            @Option(names = "--port", required = true, paramLabel = "PORT",
                    description = "The port agents test reachability against.") int port) {
        ObjectNode request = Json.object().put("server", server).put("host", host).put("port", port);
        return changed(root.placement().put(path(roleId, "/database"), request.toString()),
                "set the database of " + roleId);
    }

    @Command(name = "gateway-port", description = "Set the port every gateway listens on for the role's clients "
            + "(gateways open, move or close the listener without a restart), or remove it with 'none'.")
    int gatewayPort(@Parameters(paramLabel = "ROLE") String roleId,
            @Parameters(paramLabel = "PORT|none", description = "1 to 65535, used by no other role; or none")
            String port) {
        if ("none".equals(port)) {
            return changed(root.placement().delete(path(roleId, "/gateway-port")),
                    "removed the gateway port of " + roleId);
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "PORT must be a number or none, was '" + port + "'");
        }
        ObjectNode request = Json.object().put("port", number);
        return changed(root.placement().put(path(roleId, "/gateway-port"), request.toString()),
                "set the gateway port of " + roleId + " to " + number);
    }

    @Command(name = "move", description = "Move a role to one of its servers by hand (MANUAL); the placement "
            + "refuses a server that is not eligible.")
    int move(@Parameters(paramLabel = "ROLE") String roleId, @Parameters(paramLabel = "SERVER") String serverId) {
        ObjectNode request = Json.object().put("to", serverId);
        String body = root.placement().post(path(roleId, "/move"), request.toString());
        return print(body, ApiFormats.move(Json.parse("placement API", body)));
    }

    @Command(name = "reset-budget", description = "Reset a role's restart budget: a role HELD because it failed "
            + "too often may move again.")
    int resetBudget(@Parameters(paramLabel = "ROLE") String roleId) {
        String body = root.placement().post(path(roleId, "/restart-budget/reset"), "");
        return print(body, ApiFormats.budgetReset(Json.parse("placement API", body)));
    }

    private static String path(String roleId, String rest) {
        return ROLES + "/" + segment(roleId) + rest;
    }

    private int changed(String body, String summary) {
        JsonNode role = Json.parse("placement API", body);
        return print(body, summary + " (version " + role.path("version").asText("?") + ")\n" + ApiFormats.role(role));
    }

    int print(String body, String text) {
        root.out().print(root.json() ? body + (body.endsWith("\n") ? "" : "\n") : text);
        root.out().flush();
        return 0;
    }

    /** {@code baton roles create}. */
    @Command(name = "create", description = "Create a role on registered servers, in priority order.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        RolesCommand roles;

        @Parameters(paramLabel = "ROLE", description = "The role id: 1 to 128 of A-Z a-z 0-9 . _ -")
        String roleId;

        @Option(names = "--servers", required = true, split = ",", paramLabel = "SERVER",
                description = "Registered servers, highest priority first: a,b,c")
        List<String> servers;

        @Option(names = "--failback", description = "Force execution on the highest-priority server: move back to it "
                + "once it is UP again.")
        boolean failback;

        @Option(names = "--failback-delay", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How long a higher-priority server must be UP before the role moves back (default 0).")
        Duration failbackDelay;

        @ArgGroup(exclusive = false, heading = "The role's database (all three or none):%n")
        DatabaseOptions database;

        @Option(names = "--gateway-port", paramLabel = "PORT",
                description = "The port every gateway listens on for the role's clients, 1 to 65535, used by no other "
                        + "role (default: none).")
        Integer gatewayPort;

        @Override
        public Integer call() {
            ObjectNode request = Json.object().put("roleId", roleId);
            ArrayNode list = request.putArray("servers");
            servers.forEach(list::add);
            request.put("forceHighestPriority", failback);
            if (failbackDelay != null) {
                request.put("failbackDelayMs", failbackDelay.toMillis());
            }
            if (database != null) {
                request.putObject("database").put("server", database.server).put("host", database.host)
                        .put("port", database.port);
            }
            if (gatewayPort != null) {
                request.put("gatewayPort", gatewayPort);
            }
            ApiEndpoint api = roles.root.placement();
            String body = api.post(ROLES, request.toString());
            return roles.changed(body, "created role " + roleId);
        }
    }

    /** {@code --db-server}, {@code --db-host}, {@code --db-port}: all or none. */
    static final class DatabaseOptions {
        @Option(names = "--db-server", required = true, paramLabel = "NAME",
                description = "The name operators know it by, e.g. DBHOST\\SQLEXPRESS; never \"(local)\".")
        String server;

        @Option(names = "--db-host", required = true, paramLabel = "HOST",
                description = "The host agents test reachability against.")
        String host;

        @Option(names = "--db-port", required = true, paramLabel = "PORT",
                description = "The port agents test reachability against.")
        int port;
    }
}
