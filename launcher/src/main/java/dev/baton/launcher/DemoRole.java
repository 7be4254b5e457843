package dev.baton.launcher;

import dev.baton.launcher.StartupWaits.NotYet;
import dev.baton.launcher.StartupWaits.StartupException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The demo role of the local run: created on the sample plugin unless it exists, and awaited through the gateway. */
final class DemoRole {
    private static final Logger LOG = LoggerFactory.getLogger(DemoRole.class);

    private final Ports ports;
    private final Http api;
    private final StartupWaits waits;

    DemoRole(Ports ports, Http api, StartupWaits waits) {
        this.ports = ports;
        this.api = api;
        this.waits = waits;
    }

    /** Creates the demo role on the sample plugin unless a previous run did; an existing role is left as it is. */
    void ensure() throws StartupException, IOException, InterruptedException {
        String url = placementApi() + "/roles";
        Http.Answer existing = api.get(url + "/" + LocalRun.DEMO_ROLE);
        if (existing.status() == 200) {
            LOG.info("Role {} exists (version {}, servers {}); left as it is", LocalRun.DEMO_ROLE,
                    existing.json().path("version").asLong(), existing.json().path("servers"));
            return;
        }
        if (existing.status() != 404) {
            throw new StartupException("GET " + url + "/" + LocalRun.DEMO_ROLE + " answered HTTP " + existing.status()
                    + ": " + existing.body());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("roleId", LocalRun.DEMO_ROLE);
        body.put("servers", LocalRun.SERVERS);
        body.put("plugin", Map.of("kind", "sample"));
        Http.Answer created = api.post(url, body);
        if (created.status() == 201) {
            LOG.info("Role {} created on the sample plugin with servers {}", LocalRun.DEMO_ROLE, LocalRun.SERVERS);
        } else if (created.status() == 409) {
            LOG.info("Role {} was created meanwhile; left as it is", LocalRun.DEMO_ROLE);
        } else {
            throw new StartupException("Creating role " + LocalRun.DEMO_ROLE + " failed: HTTP " + created.status()
                    + " " + created.body());
        }
    }

    /**
     * Waits until the demo role runs and a client gets an answer through the gateway; answers the server that
     * answered.
     */
    String awaitServing(List<Child> watched) throws StartupException, InterruptedException {
        String host = waits.await("role " + LocalRun.DEMO_ROLE + " to answer through the gateway on 127.0.0.1:"
                + ports.demoRoute(), StartupWaits.SERVICE_START, watched, () -> {
                    Http.Answer role = api.get(placementApi() + "/roles/" + LocalRun.DEMO_ROLE);
                    String hosting = role.json().path("hostingServer").asText("");
                    if (hosting.isEmpty()) {
                        throw new NotYet("role " + LocalRun.DEMO_ROLE + " not placed yet: " + role.body());
                    }
                    return askThroughGateway();
                });
        LOG.info("Role {} runs on {} and answers through the gateway", LocalRun.DEMO_ROLE, host);
        return host;
    }

    /** Sends one line through the gateway's demo port; the sample plugin answers {@code <serverId> <line>}. */
    private String askThroughGateway() throws IOException, NotYet {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", ports.demoRoute()), 1000);
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            out.write("ping\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || !line.endsWith(" ping")) {
                throw new NotYet("the gateway answered " + (line == null ? "nothing (closed)" : "'" + line + "'"));
            }
            return line.substring(0, line.length() - " ping".length());
        } catch (SocketTimeoutException e) {
            throw new NotYet("no answer through the gateway within 3 s");
        }
    }

    private String placementApi() {
        return "http://127.0.0.1:" + ports.placement1() + "/api/v1";
    }
}
