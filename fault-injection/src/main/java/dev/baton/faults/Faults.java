package dev.baton.faults;

import dev.baton.faults.check.History.AgentDeath;
import dev.baton.faults.check.History.Incident;
import dev.baton.testkit.TcpProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a scenario can do to the running cluster (kill, pause, cut off, restart a part) and what it records (agent
 * deaths for the checker, incidents). One per run; the scenarios run one after another on the run's thread.
 */
final class Faults {
    private final FaultCluster cluster;
    private final Control control;
    private final LoadClient client;
    private final Profile profile;
    private final Random random;
    private final List<AgentDeath> agentDeaths = new CopyOnWriteArrayList<>();
    private final List<Incident> incidents = new CopyOnWriteArrayList<>();
    private volatile String scenario = "start";

    Faults(FaultCluster cluster, Control control, LoadClient client, Profile profile, Random random) {
        this.cluster = cluster;
        this.control = control;
        this.client = client;
        this.profile = profile;
        this.random = random;
    }

    FaultCluster cluster() {
        return cluster;
    }

    Control control() {
        return control;
    }

    Profile profile() {
        return profile;
    }

    Random random() {
        return random;
    }

    void scenario(String name) {
        scenario = name;
        client.scenario(name);
    }

    void incident(String what) {
        incidents.add(new Incident(scenario, what));
        System.out.println("faults: INCIDENT in " + scenario + ": " + what);
    }

    List<AgentDeath> agentDeaths() {
        return List.copyOf(agentDeaths);
    }

    List<Incident> incidents() {
        return List.copyOf(incidents);
    }

    // ------------------------------------------------------------------------------------------ targets

    /** The server hosting {@code role}, by the placement's view (null when unplaced). */
    String hostOf(String role) throws IOException, InterruptedException {
        Control.RoleView view = control.roles().get(role);
        return view == null ? null : view.host();
    }

    /** A server hosting a role, chosen at random among them. */
    String someHost() throws IOException, InterruptedException {
        List<String> hosts = new ArrayList<>();
        for (Control.RoleView role : control.roles().values()) {
            if (role.host() != null && !hosts.contains(role.host())) {
                hosts.add(role.host());
            }
        }
        if (hosts.isEmpty()) {
            throw new IllegalStateException("no role is placed");
        }
        return hosts.get(random.nextInt(hosts.size()));
    }

    /** A server hosting no role (there are more servers than roles). */
    String idleServer() throws IOException, InterruptedException {
        List<String> idle = control.idleServers();
        if (idle.isEmpty()) {
            throw new IllegalStateException("every server hosts a role");
        }
        return idle.get(random.nextInt(idle.size()));
    }

    String placementLeader() throws InterruptedException {
        return Waits.until("a placement leader", Duration.ofSeconds(30), control::leader);
    }

    String placementStandby() throws InterruptedException {
        return Waits.until("a placement standby", Duration.ofSeconds(30), control::standby);
    }

    // ------------------------------------------------------------------------------------------ faults

    /** {@code kill -9} of {@code part}, down for {@code down}, started again and waited for. */
    void killAndRestart(String part, Duration down) throws InterruptedException {
        kill(part);
        Waits.hold(down);
        restart(part);
    }

    void kill(String part) {
        if (part.equals(FaultCluster.POSTGRES)) {
            List<Long> server = cluster.postgresServer();
            Signals.send("KILL", server);
            cluster.proc(part).kill9();
            return;
        }
        if (FaultCluster.SERVERS.contains(part)) {
            agentDeaths.add(new AgentDeath(part, System.currentTimeMillis()));
        }
        cluster.proc(part).kill9();
    }

    void restart(String part) throws InterruptedException {
        if (part.equals(FaultCluster.POSTGRES)) {
            Waits.until("PostgreSQL's old processes gone", Duration.ofSeconds(30),
                    () -> cluster.postgresServer().isEmpty() ? Boolean.TRUE : null);
        }
        cluster.start(part);
        cluster.awaitStarted(part, System.out::println);
    }

    /** {@code SIGSTOP} of {@code part} for {@code duration} (an agent's JVM alone: its plugins keep running). */
    void pause(String part, Duration duration) throws InterruptedException {
        stopped(part.equals(FaultCluster.POSTGRES) ? cluster.postgresServer() : List.of(cluster.proc(part).pid()),
                duration);
    }

    /** {@code SIGSTOP} of an agent and every plugin it runs: a frozen machine. */
    void freeze(String server, Duration duration) throws InterruptedException {
        stopped(cluster.proc(server).tree(), duration);
    }

    private static void stopped(List<Long> pids, Duration duration) throws InterruptedException {
        Signals.send("STOP", pids);
        try {
            Waits.hold(duration);
        } finally {
            Signals.send("CONT", pids);
        }
    }

    /** Cuts {@code server}'s agent off the broker for {@code duration} (the agent and its plugins keep running). */
    void cut(String server, Duration duration) throws InterruptedException {
        cut(List.of(cluster.proxyOf(server)), duration);
    }

    /** Cuts the broker off from every service and agent for {@code duration}. */
    void cutBroker(Duration duration) throws InterruptedException {
        cut(cluster.proxies(), duration);
    }

    private static void cut(List<TcpProxy> proxies, Duration duration) throws InterruptedException {
        proxies.forEach(TcpProxy::cut);
        try {
            Waits.hold(duration);
        } finally {
            proxies.forEach(TcpProxy::restore);
        }
    }

    /** The admin call, expecting one of {@code expected}; anything else is an incident. */
    Api.Answer admin(String method, String path, Object body, int... expected)
            throws IOException, InterruptedException {
        Api.Answer answer = control.call(method, path, body);
        for (int status : expected) {
            if (answer.status() == status) {
                return answer;
            }
        }
        incident(method + " " + path + " answered " + answer.status() + ": " + answer.body());
        return answer;
    }

    /** Waits until {@code role} runs on {@code server} (placement view) and answers from there through the gateway. */
    void awaitRunningOn(String role, String server, Duration timeout) throws InterruptedException {
        Waits.until(role + " serving from " + server, timeout, () -> {
            Control.RoleView view = control.roles().get(role);
            return view != null && server.equals(view.host()) && "RUNNING".equals(view.state())
                    && server.equals(client.probe(role, Duration.ofSeconds(2))) ? Boolean.TRUE : null;
        });
    }

    /** How often the audit saw {@code server} declared DOWN in the last 10 minutes; MAX_VALUE when it cannot say. */
    int recentDowns(String server) throws InterruptedException {
        String from = java.time.Instant.now().minus(Duration.ofMinutes(11)).toString();
        try {
            Api.Answer answer = cluster.api().get(cluster.auditUrl() + "/events?type=ServerDown&server=" + server
                    + "&from=" + from + "&limit=100");
            return answer.status() == 200 ? answer.json().path("events").size() : Integer.MAX_VALUE;
        } catch (IOException e) {
            return Integer.MAX_VALUE;
        }
    }

    Map<String, Control.ServerView> servers() throws IOException, InterruptedException {
        return control.servers();
    }
}
