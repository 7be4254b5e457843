package dev.baton.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's use of the placement's admin API: the roles it creates, what it asks of them during scenarios
 * (maintenance, moves, failback, priority changes) and the views the scenarios and the final check read. Each call
 * goes to the placement instance that answers, the leader first.
 */
final class Control {
    private final FaultCluster cluster;
    private final Api api;

    Control(FaultCluster cluster) {
        this.cluster = cluster;
        this.api = cluster.api();
    }

    /** A role as the placement reports it. */
    record RoleView(String role, List<String> servers, String host, String state, long epoch) {
    }

    /** A server as the placement reports it. */
    record ServerView(String server, String state, boolean maintenance) {
        boolean eligible() {
            return "UP".equals(state) && !maintenance;
        }
    }

    /** Creates the roles: role i lists the servers starting at server i, each on the echo plugin behind the gateway. */
    void createRoles() throws InterruptedException {
        Waits.until("servers " + FaultCluster.SERVERS + " UP", FaultCluster.START, () -> {
            Map<String, ServerView> servers = servers();
            return FaultCluster.SERVERS.stream().allMatch(s -> servers.containsKey(s) && servers.get(s).eligible())
                    ? Boolean.TRUE : null;
        });
        List<String> servers = FaultCluster.SERVERS;
        for (int i = 0; i < FaultCluster.ROLES.size(); i++) {
            String role = FaultCluster.ROLES.get(i);
            List<String> order = new ArrayList<>(servers.subList(i, servers.size()));
            order.addAll(servers.subList(0, i));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("roleId", role);
            body.put("servers", order);
            body.put("forceHighestPriority", false);
            body.put("plugin", Map.of("kind", "command", "command", List.of("/usr/bin/python3",
                    cluster.pluginScript().toString(), "{port}", "{serverId}", "{roleId}",
                    cluster.tickDir().toString())));
            body.put("gatewayPort", cluster.rolePort(role));
            Api.Answer created = Waits.until("role " + role + " created", Duration.ofSeconds(30), () -> {
                Api.Answer answer = call("POST", "/roles", body);
                return answer.status() == 201 || answer.status() == 409 ? answer : null;
            });
            if (created.status() != 201 && created.status() != 409) {
                throw new IllegalStateException("creating " + role + ": " + created.body());
            }
        }
    }

    /** The placement leader both instances agree on, or null. */
    String leader() {
        String agreed = null;
        for (String instance : FaultCluster.PLACEMENTS) {
            try {
                JsonNode ready = api.get("http://127.0.0.1:" + cluster.httpPort(instance) + "/health/ready").json();
                String leader = ready.path("leaderId").asText("none");
                if (leader.equals("none") || (agreed != null && !agreed.equals(leader))) {
                    return null;
                }
                agreed = leader;
            } catch (IOException e) {
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return agreed;
    }

    String standby() {
        String leader = leader();
        return leader == null ? null : FaultCluster.PLACEMENTS.stream().filter(p -> !p.equals(leader)).findFirst()
                .orElse(null);
    }

    Map<String, RoleView> roles() throws IOException, InterruptedException {
        Api.Answer answer = call("GET", "/roles", null);
        if (answer.status() != 200) {
            throw new IOException("GET /roles: " + answer.status() + " " + answer.body());
        }
        Map<String, RoleView> roles = new LinkedHashMap<>();
        JsonNode list = answer.json().has("roles") ? answer.json().path("roles") : answer.json();
        for (JsonNode role : list) {
            List<String> servers = new ArrayList<>();
            role.path("servers").forEach(s -> servers.add(s.asText()));
            String host = role.path("hostingServer").asText("");
            roles.put(role.path("roleId").asText(), new RoleView(role.path("roleId").asText(), servers,
                    host.isEmpty() ? null : host, role.path("state").asText(""), role.path("epoch").asLong(-1)));
        }
        return roles;
    }

    Map<String, ServerView> servers() throws IOException, InterruptedException {
        Api.Answer answer = call("GET", "/servers", null);
        if (answer.status() != 200) {
            throw new IOException("GET /servers: " + answer.status() + " " + answer.body());
        }
        Map<String, ServerView> servers = new LinkedHashMap<>();
        for (JsonNode server : answer.json().path("servers")) {
            servers.put(server.path("serverId").asText(), new ServerView(server.path("serverId").asText(),
                    server.path("state").asText(), server.path("maintenance").asBoolean(false)));
        }
        return servers;
    }

    /** The servers hosting no role now (by the placement's view). */
    List<String> idleServers() throws IOException, InterruptedException {
        List<String> idle = new ArrayList<>(FaultCluster.SERVERS);
        roles().values().forEach(r -> idle.remove(r.host()));
        return idle;
    }

    /** {@code METHOD path} on the leader, or on the other instance when the leader does not answer. */
    Api.Answer call(String method, String path, Object body) throws IOException, InterruptedException {
        String leader = leader();
        List<String> order = new ArrayList<>(FaultCluster.PLACEMENTS);
        if (leader != null && order.remove(leader)) {
            order.add(0, leader);
        }
        IOException last = null;
        for (String instance : order) {
            try {
                return api.send(method, cluster.placementUrl(instance) + path, body);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }
}
