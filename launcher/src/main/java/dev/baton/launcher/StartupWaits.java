package dev.baton.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up waits of the local run: each looks at a condition until it holds, and fails at once, with a one-line
 * {@link StartupDiagnosis}, when a watched process exits meanwhile.
 */
final class StartupWaits {
    static final Duration INFRA_START = Duration.ofSeconds(120);
    static final Duration SERVICE_START = Duration.ofSeconds(180);
    private static final Logger LOG = LoggerFactory.getLogger(StartupWaits.class);

    /** A start-up problem with its one-line explanation. */
    static final class StartupException extends Exception {
        StartupException(String message) {
            super(message);
        }
    }

    /** One look at a condition: the value once it holds, null while it does not (the reason in {@link NotYet}). */
    @FunctionalInterface
    interface Probe<T> {
        T check() throws Exception;
    }

    /** The condition does not hold yet, and why. */
    static final class NotYet extends Exception {
        NotYet(String reason) {
            super(reason, null, false, false);
        }
    }

    private final RunFiles files;
    private final Ports ports;
    private final Http api;

    StartupWaits(RunFiles files, Ports ports, Http api) {
        this.files = files;
        this.ports = ports;
        this.api = api;
    }

    /**
     * Waits until {@code probe} answers, at most {@code timeout}; fails at once when one of {@code watched} exits. The
     * wait between two looks is a wait on the watched processes' exit, so a crash is reported without delay.
     */
    <T> T await(String what, Duration timeout, List<Child> watched, Probe<T> probe)
            throws StartupException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        CompletableFuture<Object> anyExit = watched.isEmpty() ? new CompletableFuture<>()
                : CompletableFuture.anyOf(watched.stream().map(Child::onExit).toArray(CompletableFuture[]::new));
        while (true) {
            for (Child child : watched) {
                if (!child.alive()) {
                    throw new StartupException(StartupDiagnosis.explain(child.name(), child.exitDescription(), what,
                            child.logTail(40), files.display(child.log())));
                }
            }
            try {
                T value = probe.check();
                if (value != null) {
                    return value;
                }
            } catch (NotYet e) {
                last = e.getMessage();
            } catch (IOException e) {
                last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e.toString();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new StartupException(what + " not within " + timeout.toSeconds() + " s (last: " + last
                        + ") — logs: " + files.display(files.logs()) + " — try: a slow or busy machine needs longer; "
                        + "./baton down, then ./baton up again");
            }
            try {
                anyExit.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // nobody exited: look again
            }
        }
    }

    /** Waits for the ready line a broker or PostgreSQL process prints (looking only at what this run wrote). */
    void marker(Child child) throws StartupException, InterruptedException {
        String found = await(child.name() + " to be ready", INFRA_START, List.of(child), () -> {
            String text = readFrom(child.log(), child.logStart());
            int at = text.indexOf(LocalRun.READY_MARKER);
            if (at < 0) {
                throw new NotYet("no ready line in " + files.display(child.log()) + " yet");
            }
            int end = text.indexOf('\n', at);
            return text.substring(at + LocalRun.READY_MARKER.length(), end < 0 ? text.length() : end).strip();
        });
        LOG.info("{} ready ({}) {} s after its start", child.name(), found, child.secondsSinceStart());
    }

    private static String readFrom(Path file, long offset) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.min(offset, in.length());
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    void live(Child child, int port, List<Child> watched) throws StartupException, InterruptedException {
        String url = "http://127.0.0.1:" + port + "/health/live";
        await(child.name() + " to answer " + url, SERVICE_START, watched, () -> {
            Http.Answer answer = api.get(url);
            if (answer.status() != 200) {
                throw new NotYet("HTTP " + answer.status());
            }
            return Boolean.TRUE;
        });
        LOG.info("{} live on http://127.0.0.1:{} ({} s after its start)", child.name(), port,
                child.secondsSinceStart());
    }

    /** Both placement instances ready and agreeing on a leader; answers the leader's id. */
    String leader(List<Child> watched) throws StartupException, InterruptedException {
        String leader = await("a placement leader", SERVICE_START, watched, () -> {
            String agreed = null;
            for (int port : List.of(ports.placement1(), ports.placement2())) {
                Http.Answer answer = api.get("http://127.0.0.1:" + port + "/health/ready");
                JsonNode ready = answer.json();
                String leaderId = ready.path("leaderId").asText("none");
                if (answer.status() != 200 || "none".equals(leaderId)) {
                    throw new NotYet("placement on port " + port + " not ready: " + answer.body());
                }
                if (agreed != null && !agreed.equals(leaderId)) {
                    throw new NotYet("the instances disagree on the leader: " + agreed + " and " + leaderId);
                }
                agreed = leaderId;
            }
            return agreed;
        });
        LOG.info("Placement leader: {}", leader);
        return leader;
    }

    void serversUp(List<String> servers, List<Child> watched) throws StartupException, InterruptedException {
        String url = "http://127.0.0.1:" + ports.placement1() + "/api/v1/servers";
        await("servers " + String.join(", ", servers) + " to register and be UP", SERVICE_START, watched, () -> {
            Http.Answer answer = api.get(url);
            if (answer.status() != 200) {
                throw new NotYet("GET " + url + ": HTTP " + answer.status() + " " + answer.body());
            }
            Map<String, String> states = new LinkedHashMap<>();
            for (JsonNode server : answer.json().path("servers")) {
                states.put(server.path("serverId").asText(), server.path("state").asText());
            }
            for (String server : servers) {
                if (!"UP".equals(states.get(server))) {
                    throw new NotYet("servers: " + states);
                }
            }
            return Boolean.TRUE;
        });
        LOG.info("Servers {} registered and UP", servers);
    }
}
