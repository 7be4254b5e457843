package dev.baton.cli.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The human-readable views of the placement and audit API answers (the JSON shapes of
 * {@code placement-service/src/main/resources/openapi.yaml} and {@code docs/audit.md}). Pure: JSON in, text out;
 * absent fields show as {@code -}.
 */
public final class ApiFormats {
    private static final EventCodec CODEC = new EventCodec();

    private ApiFormats() {
    }

    // ---- placement API

    /** {@code GET /roles}: one row per role. */
    public static String roles(JsonNode answer) {
        Table table = Table.of("ROLE", "STATE", "HOST", "EPOCH", "SERVERS", "FAILBACK", "DATABASE", "GATEWAY",
                "VERSION", "NOTE");
        for (JsonNode role : answer.path("roles")) {
            table.row(text(role, "roleId"), text(role, "state"), text(role, "hostingServer"), text(role, "epoch"),
                    serverList(role), failback(role), database(role.path("database")), text(role, "gatewayPort"),
                    text(role, "version"), note(role));
        }
        String stale = text(answer, "stale") == null ? "" : "warning: " + text(answer, "stale") + "\n";
        return stale + (table.size() == 0 ? "no roles\n" : table.render());
    }

    /** {@code GET /roles/{roleId}} and every role change: one {@code name: value} line per property. */
    public static String role(JsonNode role) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"role", text(role, "roleId")});
        lines.add(new String[] {"servers", or(serverList(role), "none") + " (highest priority first)"});
        lines.add(new String[] {"state", or(text(role, "state"), "-") + (text(role, "stateReason") == null ? ""
                : ": " + text(role, "stateReason"))});
        lines.add(new String[] {"hosting server", or(text(role, "hostingServer"), "none")});
        lines.add(new String[] {"epoch", or(text(role, "epoch"), "-")});
        lines.add(new String[] {"failback", failback(role)});
        lines.add(new String[] {"database", database(role.path("database"))});
        lines.add(new String[] {"plugin", plugin(role.path("plugin"))});
        lines.add(new String[] {"gateway port", or(text(role, "gatewayPort"), "none")});
        lines.add(new String[] {"in flight", inFlight(role.path("inFlight"))});
        if (text(role, "held") != null && !text(role, "held").equals(text(role, "stateReason"))) {
            lines.add(new String[] {"held", text(role, "held")});
        }
        if (text(role, "stale") != null) {
            lines.add(new String[] {"warning", text(role, "stale")});
        }
        lines.add(new String[] {"version", text(role, "version") + ", changed " + or(Texts.instant(text(role,
                "updatedAt")), "-") + " by " + or(text(role, "updatedBy"), "-")});
        return properties(lines);
    }

    /** {@code POST /what-if}: one line per move and per role that would stop. */
    public static String whatIf(JsonNode answer) {
        StringBuilder out = new StringBuilder("if " + text(answer, "serverId") + " " + text(answer, "scenario")
                + " now (nothing changed):\n");
        for (JsonNode move : answer.path("moves")) {
            out.append("  move ").append(text(move, "roleId")).append(": ").append(or(text(move, "from"), "-"))
                    .append(" -> ").append(text(move, "to")).append(" (").append(text(move, "reason")).append(": ")
                    .append(text(move, "cause")).append(")\n");
        }
        for (JsonNode stop : answer.path("stops")) {
            out.append("  stop ").append(text(stop, "roleId")).append(": ").append(text(stop, "cause")).append("\n");
        }
        if (answer.path("moves").isEmpty() && answer.path("stops").isEmpty()) {
            out.append("  nothing would move or stop").append(text(answer, "deferredBecause") == null ? ""
                    : ": " + text(answer, "deferredBecause")).append("\n");
        }
        return out.toString();
    }

    /** {@code GET /servers}: one row per server. */
    public static String servers(JsonNode answer) {
        Table table = Table.of("SERVER", "KIND", "STATE", "HOST", "ROLES", "NOTE");
        for (JsonNode server : answer.path("servers")) {
            serverRow(table, server);
        }
        return table.size() == 0 ? "no servers (a server registers with its first heartbeat)\n" : table.render();
    }

    /** One server (the answer of a maintenance change). */
    public static String server(JsonNode server) {
        Table table = Table.of("SERVER", "KIND", "STATE", "HOST", "ROLES", "NOTE");
        serverRow(table, server);
        return table.render();
    }

    private static void serverRow(Table table, JsonNode server) {
        String note = null;
        if (server.path("maintenance").asBoolean(false)) {
            note = "maintenance by " + or(text(server, "maintenanceBy"), "-") + " since "
                    + or(Texts.instant(text(server, "maintenanceSince")), "-");
        }
        if (text(server, "downCause") != null) {
            note = (note == null ? "" : note + "; ") + text(server, "downCause");
        }
        table.row(text(server, "serverId"), text(server, "kind"), text(server, "state"), text(server, "host"),
                join(server.path("roles")), note);
    }

    /** {@code POST /roles/{roleId}/move}: {@code billing moved server-a -> server-b at epoch 5 (MANUAL: cause)}. */
    public static String move(JsonNode move) {
        String from = text(move, "from");
        return text(move, "roleId") + " moved " + (from == null ? "" : from + " ") + "-> " + text(move, "to")
                + " at epoch " + text(move, "epoch") + " (" + text(move, "reason") + ": " + text(move, "cause")
                + ")\n";
    }

    // ---- audit API

    /** {@code GET /roles/{roleId}/history}: one row per stored event, oldest first. */
    public static String history(JsonNode page) {
        Table table = Table.of("TIME", "TYPE", "SERVER", "EPOCH", "DETAIL");
        for (JsonNode event : page.path("events")) {
            table.row(Texts.instant(text(event, "occurredAt")), text(event, "type"), text(event, "serverId"),
                    text(event, "epoch"), eventDetails(event.path("payload")));
        }
        return table.size() == 0 ? "no events\n" : table.render();
    }

    /**
     * {@code GET /failovers}: one row per move with the durations of its steps; DRAIN is how long a planned move waited
     * for the gateways' drains.
     */
    public static String failovers(JsonNode page) {
        Table table = Table.of("MOVED AT", "ROLE", "EPOCH", "FROM", "TO", "REASON", "DRAIN", "DETECT>DECIDE",
                "DECIDE>RUNNING", "RUNNING>RECONNECTED", "TOTAL", "CONNECTIONS", "CLOSED AWAITING", "CAUSE");
        for (JsonNode row : page.path("failovers")) {
            table.row(Texts.instant(text(row, "movedAt")), text(row, "roleId"), text(row, "epoch"), text(row, "from"),
                    text(row, "to"), text(row, "reason"), ms(row, "drainWaitMs"), ms(row, "detectToDecideMs"),
                    ms(row, "decideToRunningMs"),
                    ms(row, "runningToReconnectedMs"), ms(row, "totalMs"), text(row, "connectionsMoved"),
                    text(row, "connectionsClosedAwaiting"), text(row, "cause"));
        }
        return table.size() == 0 ? "no failovers\n" : table.render();
    }

    /** The {@code nextCursor} of an audit page; null on the last page. */
    public static String nextCursor(JsonNode page) {
        return text(page, "nextCursor");
    }

    /** The payload of a stored event as {@link EventLine#details}; its type alone when it does not decode. */
    static String eventDetails(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            return null;
        }
        try {
            BatonEvent event = CODEC.decode(payload.toString().getBytes(StandardCharsets.UTF_8));
            return EventLine.details(event);
        } catch (EventDecodingException e) {
            return text(payload, "reason");
        }
    }

    // ---- pieces

    /** Why a role does not serve (its state's reason, or the hold), so no role is silently dead. */
    private static String note(JsonNode role) {
        return or(text(role, "stateReason"), text(role, "held"));
    }

    /** {@code POST /safety-brake/release}. */
    public static String brakeRelease(JsonNode answer) {
        return "safety brake released: " + join(answer.path("servers")) + " will be declared DOWN and their roles fail"
                + " over\n";
    }

    /** {@code POST /roles/{roleId}/restart-budget/reset}. */
    public static String budgetReset(JsonNode answer) {
        return "restart budget of " + text(answer, "roleId") + " reset (" + text(answer, "resourceFailuresCleared")
                + " recent resource failures forgotten); a held role may move at the placement's next round\n";
    }

    private static String serverList(JsonNode role) {
        return join(role.path("servers"));
    }

    private static String failback(JsonNode role) {
        String failback = EventLine.failback(role.path("forceHighestPriority").asBoolean(false),
                role.path("failbackDelayMs").asLong(0));
        JsonNode window = role.path("failbackWindow");
        return window.isObject() ? failback + String.format(", only %02d:00-%02d:00 UTC",
                window.path("fromHour").asInt(), window.path("toHour").asInt()) : failback;
    }

    private static String inFlight(JsonNode inFlight) {
        if (!inFlight.isObject()) {
            return "each gateway's inflight.policy";
        }
        return text(inFlight, "policy") + (text(inFlight, "replayLimitBytes") == null ? ""
                : " (up to " + text(inFlight, "replayLimitBytes") + " bytes)");
    }

    private static String database(JsonNode database) {
        if (database == null || !database.isObject()) {
            return "none";
        }
        return text(database, "server") + " (" + text(database, "host") + ":" + text(database, "port") + ")";
    }

    private static String plugin(JsonNode plugin) {
        if (plugin == null || !plugin.isObject()) {
            return "sample (built in)";
        }
        StringBuilder text = new StringBuilder(or(text(plugin, "kind"), "-"));
        if (plugin.path("command").size() > 0) {
            List<String> parts = new ArrayList<>();
            plugin.path("command").forEach(part -> parts.add(part.asText()));
            text.append(": ").append(String.join(" ", parts));
        }
        if (text(plugin, "port") != null) {
            text.append(", port ").append(text(plugin, "port"));
        }
        return text.toString();
    }

    private static String ms(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isNumber() ? null : Texts.millis(value.asLong());
    }

    private static String join(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(item -> items.add(item.asText()));
        return items.isEmpty() ? null : String.join(",", items);
    }

    /** A scalar field as text; null when absent or null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    private static String or(String value, String otherwise) {
        return value == null ? otherwise : value;
    }

    private static String properties(List<String[]> lines) {
        int width = lines.stream().mapToInt(line -> line[0].length()).max().orElse(0) + 1;
        StringBuilder out = new StringBuilder();
        for (String[] line : lines) {
            out.append(line[0]).append(':').append(" ".repeat(width - line[0].length() + 1))
                    .append(Table.cell(line[1])).append('\n');
        }
        return out.toString();
    }
}
