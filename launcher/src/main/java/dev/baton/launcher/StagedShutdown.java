package dev.baton.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stopping a local run in stages — the agents first (SIGTERM is their planned leave), then the services, then
 * PostgreSQL and Kafka; then whatever is left of each process group — and sweeping what a previous run left behind.
 */
final class StagedShutdown {
    static final Duration AGENTS_STOP = Duration.ofSeconds(30);
    static final Duration SERVICES_STOP = Duration.ofSeconds(20);
    static final Duration INFRA_STOP = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(StagedShutdown.class);

    private final RunFiles files;
    private final String marker;

    StagedShutdown(RunFiles files, String marker) {
        this.files = files;
        this.marker = marker;
    }

    /** Stops {@code all} in stages; answers the pids that survived SIGKILL (normally none). */
    List<Long> stop(List<Child> all) {
        long started = System.nanoTime();
        if (!all.isEmpty()) {
            LOG.info("Stopping the local run: agents first (planned leave), then the services, then PostgreSQL and "
                    + "Kafka");
        }
        stopStage(all.stream().filter(StagedShutdown::isAgent).toList(), AGENTS_STOP);
        stopStage(all.stream().filter(c -> !isAgent(c) && !isInfra(c)).toList(), SERVICES_STOP);
        stopStage(all.stream().filter(StagedShutdown::isInfra).toList(), INFRA_STOP);
        for (Child child : all) {
            child.release();
        }
        postmaster().ifPresent(pid -> {
            LOG.warn("PostgreSQL (pid {}) outlived its process; stopping it", pid);
            terminateAll(List.of(pid), Duration.ofSeconds(15));
        });
        List<Long> left = Procs.mentioning(marker);
        List<Long> survivors = List.of();
        if (!left.isEmpty()) {
            LOG.warn("Killing {} leftover process(es): {}", left.size(), left);
            survivors = terminateAll(left, Duration.ZERO);
        }
        if (!survivors.isEmpty()) {
            LOG.error("Local run stopped, but {} survived SIGKILL: check with ps", survivors);
        } else if (!all.isEmpty()) {
            LOG.info("Local run stopped in {} ms; no process left", (System.nanoTime() - started) / 1_000_000);
        }
        return survivors;
    }

    /**
     * Kills what a previous run left behind (its launcher was {@code kill -9}ed and a watchdog has not finished yet, or
     * PostgreSQL, which runs detached from its starter): processes carrying this run's marker, and the postmaster of
     * the data directory. Only when no run is active here.
     */
    void sweepLeftovers() {
        List<Long> leftovers = new ArrayList<>(Procs.mentioning(marker));
        postmaster().ifPresent(pid -> {
            if (!leftovers.contains(pid)) {
                leftovers.add(pid);
            }
        });
        if (!leftovers.isEmpty()) {
            LOG.warn("Stopping {} process(es) a previous run left behind: {}", leftovers.size(), leftovers);
            List<Long> survivors = terminateAll(leftovers, Duration.ofSeconds(15));
            if (!survivors.isEmpty()) {
                LOG.error("Could not stop {}: check with ps", survivors);
            }
        }
        files.clearPidFiles();
    }

    private static boolean isAgent(Child child) {
        return LocalRun.SERVERS.contains(child.name());
    }

    private static boolean isInfra(Child child) {
        return child.name().equals("kafka") || child.name().equals("postgres");
    }

    private void stopStage(List<Child> stage, Duration timeout) {
        if (stage.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        List<Child> running = new ArrayList<>();
        for (Child child : stage) {
            if (child.alive()) {
                running.add(child);
                child.terminate();
            } else {
                LOG.info("{} had already exited ({})", child.name(), child.exitDescription());
            }
        }
        long deadline = started + timeout.toNanos();
        for (Child child : running) {
            try {
                child.awaitExit(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                LOG.info("{} stopped ({} ms)", child.name(), (System.nanoTime() - started) / 1_000_000);
            } catch (TimeoutException e) {
                LOG.warn("{} did not stop within {} s; killed", child.name(), timeout.toSeconds());
                child.release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                child.release();
            }
        }
    }

    /** SIGTERM to each, then SIGKILL to those still alive after {@code grace}; answers those that survived both. */
    private static List<Long> terminateAll(List<Long> pids, Duration grace) {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        List<Long> alive = Procs.awaitGone(pids, grace);
        alive.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        return Procs.awaitGone(alive, Duration.ofSeconds(5));
    }

    /** The running postmaster of this run's data directory, from {@code postmaster.pid}. */
    private Optional<Long> postmaster() {
        Path dataDir = files.home().resolve("postgres");
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip());
            String command = Procs.commandLine(pid).orElse("");
            return Procs.alive(pid) && command.contains(dataDir.toString()) ? Optional.of(pid) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
