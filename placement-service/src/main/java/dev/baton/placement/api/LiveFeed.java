package dev.baton.placement.api;

import dev.baton.placement.detector.ServerState;
import dev.baton.placement.detector.ServerView;
import dev.baton.runtime.http.ApiException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /live}: server-sent events for the console. Every {@value #INTERVAL_MS} ms, while someone listens, the
 * loop's latest snapshot is rendered (roles with host, state and reason; servers with state); when it differs from
 * the last one, a {@code state} event carries it and a {@code move} event says, per role whose host changed, from
 * where to where and why. Event ids increase; a client that reconnects with {@code Last-Event-ID} first gets the
 * {@code move} events it missed (the last {@value #KEPT_MOVES} are kept), then the present state. Reads memory only,
 * on the event loop.
 */
final class LiveFeed implements AutoCloseable {
    static final String PATH = "/live";
    static final long INTERVAL_MS = 200;
    static final int KEPT_MOVES = 256;
    private static final long KEEP_ALIVE_MS = 15_000;
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);

    private final Vertx vertx;
    private final PlacementControl control;
    private final Set<HttpServerResponse> clients = new LinkedHashSet<>();
    private final Deque<Event> moves = new ArrayDeque<>();
    private long sequence;
    private String lastState;
    private Map<String, String> lastHosts = Map.of();
    private long timer = -1;
    private long keepAlive = -1;

    private record Event(long id, String type, String data) {
        String frame() {
            return "id: " + id + "\nevent: " + type + "\ndata: " + data + "\n\n";
        }
    }

    LiveFeed(Vertx vertx, PlacementControl control) {
        this.vertx = vertx;
        this.control = control;
    }

    void mount(Router router, String base) {
        router.get(base + PATH).handler(this::subscribe);
    }

    private void subscribe(RoutingContext ctx) {
        Long lastSeen = lastEventId(ctx.request().getHeader("Last-Event-ID"));
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        // The admin HTTP server runs on one event loop: requests and the feed's timers share it, so its state has
        // one owner and needs no lock.
        response.write("retry: 1000\n\n");
        refresh();
        if (lastSeen != null) {
            moves.stream().filter(event -> event.id() > lastSeen).forEach(event -> response.write(event.frame()));
        }
        response.write(new Event(sequence, "state", lastState).frame());
        clients.add(response);
        response.closeHandler(closed -> clients.remove(response));
        response.exceptionHandler(failure -> clients.remove(response));
        start();
    }

    private static Long lastEventId(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Last-Event-ID must be the id of an event of this feed, was " + header);
        }
    }

    private void start() {
        if (timer < 0) {
            timer = vertx.setPeriodic(INTERVAL_MS, id -> tick());
            keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, id -> clients.forEach(client -> client.write(": alive\n\n")));
        }
    }

    private void tick() {
        if (clients.isEmpty()) {
            vertx.cancelTimer(timer);
            vertx.cancelTimer(keepAlive);
            timer = -1;
            keepAlive = -1;
            return;
        }
        long before = sequence;
        List<Event> fresh = refresh();
        if (sequence != before) {
            for (HttpServerResponse client : List.copyOf(clients)) {
                fresh.forEach(event -> client.write(event.frame()));
                client.write(new Event(sequence, "state", lastState).frame());
            }
        }
    }

    /** Renders the snapshot; when it changed, a new id, and the move events since the last rendering. */
    private List<Event> refresh() {
        PlacementSnapshot snapshot = control.snapshot();
        JsonObject state = state(snapshot);
        String rendered = state.encode();
        if (rendered.equals(lastState)) {
            return List.of();
        }
        Map<String, String> hosts = new HashMap<>();
        Map<String, JsonObject> roles = new HashMap<>();
        for (Object role : state.getJsonArray("roles")) {
            JsonObject json = (JsonObject) role;
            hosts.put(json.getString("roleId"), json.getString("hostingServer"));
            roles.put(json.getString("roleId"), json);
        }
        List<Event> fresh = new ArrayList<>();
        if (lastState != null) {
            for (Map.Entry<String, String> entry : hosts.entrySet()) {
                String before = lastHosts.get(entry.getKey());
                if (lastHosts.containsKey(entry.getKey()) && !Objects.equals(before, entry.getValue())) {
                    JsonObject move = move(entry.getKey(), before, entry.getValue(), roles.get(entry.getKey()),
                            snapshot);
                    fresh.add(new Event(++sequence, "move", move.encode()));
                    LOG.debug("live: {}", move.getString("message"));
                }
            }
        }
        sequence++;
        fresh.forEach(this::keep);
        lastState = rendered;
        lastHosts = hosts;
        return fresh;
    }

    private void keep(Event event) {
        moves.addLast(event);
        while (moves.size() > KEPT_MOVES) {
            moves.removeFirst();
        }
    }

    /** Why a role's host changed, as a toast says it: the old host's state, else the role's. */
    private static JsonObject move(String roleId, String from, String to, JsonObject role, PlacementSnapshot snapshot) {
        ServerView old = from == null ? null : snapshot.view().find(from);
        String why;
        if (old != null && old.state() == ServerState.DOWN) {
            why = from + " DOWN: " + old.downCause();
        } else if (old != null && old.state() == ServerState.MAINTENANCE) {
            why = from + " is in maintenance";
        } else if (role.getString("stateReason") != null) {
            why = role.getString("stateReason");
        } else {
            why = to == null ? "no eligible server" : "placed on " + to;
        }
        String message = roleId + ": " + (from == null ? "not placed" : from) + " \u2192 "
                + (to == null ? "not placed" : to) + " (" + why + ")";
        JsonObject json = new JsonObject().put("roleId", roleId).put("message", message).put("why", why);
        if (from != null) {
            json.put("from", from);
        }
        if (to != null) {
            json.put("to", to);
        }
        return json;
    }

    /** The roles and servers as the console shows them; no time in it, so an unchanged cluster renders the same. */
    static JsonObject state(PlacementSnapshot snapshot) {
        JsonArray servers = new JsonArray();
        Map<String, List<String>> hosted = AdminJson.hostedRoles(snapshot);
        for (ServerView server : snapshot.view().servers()) {
            JsonObject json = new JsonObject().put("serverId", server.serverId()).put("kind", server.kind().name())
                    .put("host", server.host()).put("state", server.state().name())
                    .put("roles", new JsonArray(new ArrayList<>(hosted.getOrDefault(server.serverId(), List.of()))));
            if (server.downCause() != null) {
                json.put("downCause", server.downCause());
            }
            servers.add(json);
        }
        JsonArray roles = AdminJson.roles(snapshot.roles(), snapshot);
        for (Object role : roles) {
            // Who and when change with every edit; the console reads them from the role itself.
            ((JsonObject) role).remove("updatedAt");
        }
        return new JsonObject().put("leader", snapshot.leaderId()).put("roles", roles).put("servers", servers);
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            vertx.cancelTimer(keepAlive);
        }
    }
}
