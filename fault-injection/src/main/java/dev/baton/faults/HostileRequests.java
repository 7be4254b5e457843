package dev.baton.faults;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Bad REST input to every service's API: malformed and truncated JSON, wrong types, unknown fields, ids that break
 * the id rules, huge bodies, a missing or wrong token, unknown paths and methods. Each must be answered with a 4xx
 * (the services' one error body) within the client's timeout; a 5xx, no answer, or a service that died is an incident.
 */
final class HostileRequests {
    private final Faults faults;

    HostileRequests(Faults faults) {
        this.faults = faults;
    }

    private record Request(String method, String url, String body, boolean withToken) {
    }

    /**
     * Ids holding a NUL byte or invalid UTF-8 in the placement's paths: PostgreSQL rejects them as text parameters, and
     * the placement answers 500 instead of 400/404 ({@code PostgresRoleStore.role} passes the id to the database
     * unchecked).
     */
    static final String NUL_IN_ID = "the placement answers GET /roles/%00%ff with 500 (PostgreSQL: invalid byte "
            + "sequence for encoding UTF8: 0x00): ids in paths are not checked against the id rules before the store "
            + "sees them";

    void sendNulInIds() throws InterruptedException {
        List<Request> requests = new ArrayList<>();
        for (String instance : FaultCluster.PLACEMENTS) {
            String base = faults.cluster().placementUrl(instance);
            requests.add(new Request("GET", base + "/roles/%00%ff", null, true));
            requests.add(new Request("GET", base + "/roles/%00/available-servers", null, true));
            requests.add(new Request("GET", base + "/servers/%00", null, true));
        }
        send(requests);
    }

    void sendAll() throws InterruptedException {
        FaultCluster cluster = faults.cluster();
        String huge = "{\"roleId\":\"" + "r".repeat(2 * 1024 * 1024) + "\"}";
        List<Request> requests = new ArrayList<>();
        for (String instance : FaultCluster.PLACEMENTS) {
            String base = cluster.placementUrl(instance);
            requests.add(new Request("POST", base + "/roles", "{\"roleId\":", true));
            requests.add(new Request("POST", base + "/roles", "[1,2,3]", true));
            requests.add(new Request("POST", base + "/roles", "{\"roleId\":42,\"servers\":\"server-a\"}", true));
            requests.add(new Request("POST", base + "/roles", "{\"roleId\":\"../../etc\",\"servers\":[\"server-a\"]}",
                    true));
            requests.add(new Request("POST", base + "/roles", "{\"roleId\":\"x\",\"servers\":[\"server-a\"],"
                    + "\"unknown\":true}", true));
            requests.add(new Request("POST", base + "/roles", "{\"roleId\":\"ok-id\",\"servers\":[],"
                    + "\"gatewayPort\":70000}", true));
            requests.add(new Request("POST", base + "/roles", huge, true));
            requests.add(new Request("POST", base + "/roles", "{\"roleId\":\"x\",\"servers\":[\"server-a\"]}", false));
            requests.add(new Request("GET", base + "/roles", null, false));
            requests.add(new Request("GET", base + "/roles/" + "a".repeat(300), null, true));
            requests.add(new Request("PUT", base + "/servers/server-a/maintenance", "{\"on\":\"yes\"}", true));
            requests.add(new Request("PUT", base + "/servers/no-such-server/maintenance", "{\"on\":false}", true));
            requests.add(new Request("POST", base + "/roles/r1/move", "{\"to\":\"no-such-server\"}", true));
            requests.add(new Request("POST", base + "/roles/r1/move", "{}", true));
            requests.add(new Request("PUT", base + "/roles/r1/failback", "{\"forceHighestPriority\":null}", true));
            requests.add(new Request("PUT", base + "/roles/r1/gateway-port", "{\"port\":-1}", true));
            requests.add(new Request("PUT", base + "/roles/r1/database", "{\"server\":\"localhost\"}", true));
            requests.add(new Request("DELETE", base + "/roles", null, true));
            requests.add(new Request("GET", base + "/nothing-here", null, true));
        }
        String audit = cluster.auditUrl();
        requests.add(new Request("GET", audit + "/events?limit=-5", null, true));
        requests.add(new Request("GET", audit + "/events?from=yesterday", null, true));
        requests.add(new Request("GET", audit + "/events?cursor=not-a-cursor", null, true));
        requests.add(new Request("GET", audit + "/events?role=%00%ff", null, true));
        requests.add(new Request("GET", audit + "/roles/%00%ff/history", null, true));
        requests.add(new Request("GET", audit + "/failovers?role=%00", null, true));
        requests.add(new Request("GET", audit + "/events", null, false));
        requests.add(new Request("POST", audit + "/events", "{}", true));
        requests.add(new Request("GET", cluster.gatewayUrl() + "/api/v1/routes", null, false));
        requests.add(new Request("POST", cluster.gatewayUrl() + "/api/v1/routes", "garbage", true));
        send(requests);
    }

    private void send(List<Request> requests) throws InterruptedException {
        FaultCluster cluster = faults.cluster();
        Api api = cluster.api();
        for (Request request : requests) {
            String what = request.method() + " " + shorten(request.url()) + (request.withToken() ? "" : " (no token)");
            try {
                Api.Answer answer = api.send(request.method(), request.url(), request.body(),
                        request.withToken() ? cluster.token() : null);
                if (answer.status() < 400 || answer.status() >= 500) {
                    faults.incident(what + " answered " + answer.status() + ": " + shorten(answer.body()));
                }
            } catch (IOException e) {
                faults.incident(what + " got no answer: " + e);
            }
        }
        for (String dead : cluster.dead()) {
            faults.incident(dead + " died after the hostile requests");
        }
    }

    private static String shorten(String text) {
        return text.length() <= 160 ? text : text.substring(0, 160) + "…";
    }
}
