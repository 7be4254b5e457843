package dev.baton.bench;

import dev.baton.events.BatonEvent;
import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleDraining;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.testkit.Await;
import dev.baton.testkit.FreePorts;
import dev.baton.testkit.RedisBenchmark;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of {@link GatewayMovesBench}: two {@code redis-server} processes as the role's hosts, {@code redis-benchmark}
 * (pipelined) through the gateway, and one move of the role from the first to the second a third of the way into the
 * SET test: after a SIGKILL of the first (unplanned), or as a planned move (maintenance or failback) the way the
 * placement and the agents carry it out: RoleDraining, the gateway's drain, the move naming the old host in
 * handoverFrom, the old host stopped (SIGTERM, awaited), its STOPPED, the release, the new host RUNNING.
 */
final class GatewayMoveRun {
    private static final Duration T = Duration.ofSeconds(30);
    private static final Pattern COMMANDS = Pattern.compile("total_commands_processed:(\\d+)");
    private static final Pattern CSV = Pattern.compile("\"(SET|GET)\",\"[^\"]*\",(?:\"[^\"]*\",){5}\"([0-9.]+)\"");

    /** A scenario: how the role moves, and the in-flight policy of its route. */
    enum Scenario {
        KILL_CLOSE, KILL_REPLAY, MAINTENANCE, FAILBACK;

        /** A planned move: the gateway drains connections that await an answer. */
        boolean planned() {
            return this == MAINTENANCE || this == FAILBACK;
        }

        String policy() {
            return this == KILL_REPLAY ? "replay" : "close";
        }

        String label() {
            return switch (this) {
                case KILL_CLOSE, KILL_REPLAY -> "kill -9 of the host";
                case MAINTENANCE -> "maintenance (planned)";
                case FAILBACK -> "failback (planned)";
            } + ", " + policy();
        }
    }

    /**
     * What one run came to.
     *
     * @param exitCode redis-benchmark's, -1 when it hung
     * @param error its error line, if any
     * @param exitAfterMoveMs from the kill (or the planned move) to the benchmark's exit
     * @param maxLatencyMs the longest request of the completed tests (the longest pause a request saw); NaN if none
     * @param hungConnections the role's connections still open at the gateway when a hung run was given up
     */
    record Result(GatewayMoveRun.Scenario scenario, int run, int exitCode, String error, long exitAfterMoveMs,
            double maxLatencyMs, int hungConnections, GatewayMetricsReader.Outcomes outcomes, double roleDrainMs,
            long handoverMs) {
        boolean hung() {
            return exitCode == -1;
        }

        boolean clean() {
            return exitCode == 0 && error == null;
        }
    }

    private GatewayMoveRun() {
    }

    /** Runs {@code scenario} through {@code role} (at the gateway's port {@code rolePort}); logs go to {@code work}. */
    static Result run(Scenario scenario, int run, String role, int rolePort, String bootstrap,
            GatewayMetricsReader gateway, GatewayMovesBench.Load load, Path work) throws Exception {
        int portA = FreePorts.next();
        int portB = FreePorts.next();
        try (ToolProcess a = redis(role + "-a", portA, work); ToolProcess b = redis(role + "-b", portB, work)) {
            a.awaitListening(portA, T);
            b.awaitListening(portB, T);
            Endpoint endpointA = new Endpoint("127.0.0.1", portA);
            Endpoint endpointB = new Endpoint("127.0.0.1", portB);
            GatewayBench.publish(bootstrap, List.of(new RoleAssignment(UUID.randomUUID(), Instant.now(), role, 1,
                    "srv-a", endpointA, MoveReason.INITIAL)));
            gateway.awaitRunning(role, endpointA, T);
            try (RedisBenchmark benchmark = RedisBenchmark.start(rolePort, load.connections(), load.requests(),
                    load.pipeline(), work.resolve("redis-benchmark-" + role + ".txt"))) {
                Await.until("the benchmark a third of the way on " + role + "-a", T,
                        () -> commandsProcessed(portA) > load.requests() / 3);
                if (!scenario.planned()) {
                    ProcessHandle.of(a.pid()).ifPresent(ProcessHandle::destroyForcibly);
                }
                long movedAt = System.nanoTime();
                double roleDrainMs = Double.NaN;
                long handoverMs = -1;
                if (scenario.planned()) {
                    MoveReason reason = scenario == Scenario.MAINTENANCE ? MoveReason.MAINTENANCE : MoveReason.FAILBACK;
                    double drainsBefore = gateway.roleDrains(role)[0];
                    GatewayBench.publish(bootstrap, List.of(new RoleDraining(UUID.randomUUID(), Instant.now(), role, 1,
                            "srv-a", "srv-b", reason, "bench: " + reason)));
                    Await.until("the gateway drained " + role, T, () -> gateway.roleDrains(role)[0] > drainsBefore);
                    roleDrainMs = gateway.roleDrains(role)[1];
                    long committed = System.nanoTime();
                    GatewayBench.publish(bootstrap, plannedMove(role, reason));
                    // The old host's agent stops the role on reading the move; the new one waits for the release.
                    ProcessHandle.of(a.pid()).ifPresent(ProcessHandle::destroy);
                    Await.until(role + "-a stopped", T, () -> !a.alive());
                    GatewayBench.publish(bootstrap, release(role, reason, endpointB));
                    handoverMs = (System.nanoTime() - committed) / 1_000_000;
                } else {
                    GatewayBench.publish(bootstrap, move(role, MoveReason.FAILOVER, endpointB));
                }
                RedisBenchmark.Result result;
                try {
                    result = benchmark.awaitExit(load.hang());
                } catch (AssertionError hung) {
                    return new Result(scenario, run, -1, "no exit within " + load.hang().toSeconds() + " s",
                            (System.nanoTime() - movedAt) / 1_000_000, Double.NaN, gateway.openConnections(role),
                            gateway.outcomes(role), roleDrainMs, handoverMs);
                }
                long exitAfter = (System.nanoTime() - movedAt) / 1_000_000;
                String error = result.output().lines().filter(l -> l.contains("Error")).findFirst().orElse(null);
                return new Result(scenario, run, result.exitCode(), error, exitAfter, maxLatencyMs(result.output()), 0,
                        gateway.outcomes(role), roleDrainMs, handoverMs);
            }
        }
    }

    /** The placement's RoleMoved and RoleAssignment to srv-b at epoch 2, then srv-b's RUNNING with its endpoint. */
    private static List<BatonEvent> move(String role, MoveReason reason, Endpoint to) {
        Instant now = Instant.now();
        return List.of(
                new RoleMoved(UUID.randomUUID(), now, role, 2, "srv-a", "srv-b", reason, "bench: " + reason,
                        reason == MoveReason.FAILOVER ? now : null, now),
                new RoleAssignment(UUID.randomUUID(), now, role, 2, "srv-b", null, reason),
                new RoleStateChanged(UUID.randomUUID(), Instant.now(), role, "srv-b", 2, RoleState.RUNNING, to,
                        "listening"),
                new RoleAssignment(UUID.randomUUID(), Instant.now(), role, 2, "srv-b", to, reason));
    }

    /** The committed planned move: RoleMoved and RoleAssignment to srv-b at epoch 2, srv-a named in handoverFrom. */
    private static List<BatonEvent> plannedMove(String role, MoveReason reason) {
        Instant now = Instant.now();
        return List.of(
                new RoleMoved(UUID.randomUUID(), now, role, 2, "srv-a", "srv-b", reason, "bench: " + reason, null, now),
                new RoleAssignment(UUID.randomUUID(), now, role, 2, "srv-b", null, reason, "srv-a"));
    }

    /** srv-a's STOPPED, the placement's release, srv-b's RUNNING and the assignment with its endpoint. */
    private static List<BatonEvent> release(String role, MoveReason reason, Endpoint to) {
        return List.of(
                new RoleStateChanged(UUID.randomUUID(), Instant.now(), role, "srv-a", 1, RoleState.STOPPED, null,
                        "assigned to srv-b at epoch 2 (" + reason + ")"),
                new RoleAssignment(UUID.randomUUID(), Instant.now(), role, 2, "srv-b", null, reason),
                new RoleStateChanged(UUID.randomUUID(), Instant.now(), role, "srv-b", 2, RoleState.RUNNING, to,
                        "listening"),
                new RoleAssignment(UUID.randomUUID(), Instant.now(), role, 2, "srv-b", to, reason));
    }

    /** The largest max_latency_ms of the CSV lines (SET, GET) of a redis-benchmark run; NaN when there is none. */
    static double maxLatencyMs(String output) {
        double max = Double.NaN;
        Matcher m = CSV.matcher(output);
        while (m.find()) {
            double v = Double.parseDouble(m.group(2));
            max = Double.isNaN(max) ? v : Math.max(max, v);
        }
        return max;
    }

    private static ToolProcess redis(String name, int port, Path work) {
        return ToolProcess.start(name, List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no"), work);
    }

    /** {@code INFO stats}' total_commands_processed of the redis-server on {@code port}; 0 when it does not answer. */
    static long commandsProcessed(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("INFO stats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder text = new StringBuilder();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                text.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                Matcher m = COMMANDS.matcher(text);
                if (m.find() && text.indexOf("\r\n", m.end()) >= 0) {
                    return Long.parseLong(m.group(1));
                }
            }
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
