package dev.baton.agent.plugin;

import dev.baton.events.Endpoint;
import dev.baton.events.PluginSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the plugins of the roles on this server: starts one per role and epoch, reports when it listens, watches it,
 * and stops it. Every outcome goes to the {@link Listener}, tagged with the role and epoch.
 *
 * <p>Each plugin run has a thread of its own ({@code plugin-<roleId>}) that launches it, probes its port until it
 * accepts connections (RUNNING) or {@code startTimeout} passes (FAILED), then checks every {@code checkInterval}
 * that it is alive and that its port answers: a plugin that ended, or whose port refused {@value #MISSES_TO_FAIL}
 * checks in a row, is stopped and reported FAILED. A stop terminates it politely and kills it (with what it
 * started) once the grace has passed; a later stop request with a shorter grace brings the kill forward. Ports are
 * probed at the advertised host: where clients will connect.
 *
 * <p>Plugin kinds: absent or {@code sample}, the built-in {@link SamplePlugin} in this process; {@code command}, an
 * executable ({@link CommandPlugin}). A plugin without a port (or port 0) gets a free one.
 */
public final class PluginHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);
    /** Consecutive refused port checks after which a running plugin is FAILED: one slow accept is not a failure. */
    static final int MISSES_TO_FAIL = 3;
    /** How often a starting plugin's port is probed: RUNNING is reported this soon after it listens. */
    private static final long START_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** How long a killed plugin may take to disappear before the host gives up on it (and says so). */
    private static final long KILL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Where outcomes go; called from the plugins' threads. */
    public interface Listener {
        void running(String roleId, long epoch, Endpoint endpoint, String detail);

        void failed(String roleId, long epoch, String detail);

        void stopped(String roleId, long epoch);
    }

    /**
     * @param serverId what the sample plugin answers with, and {@code {serverId}} in commands
     * @param advertisedHost the host of endpoints, and where ports are probed
     * @param workDir command plugins' working directory, with their log files {@code <roleId>.log}
     * @param stopGrace the watchdog's grace between SIGTERM and SIGKILL, and the grace of stops after a failure
     */
    public record Settings(String serverId, String advertisedHost, Path workDir, Duration startTimeout,
            Duration checkInterval, Duration stopGrace) {
        public Settings {
            Objects.requireNonNull(serverId, "serverId");
            Objects.requireNonNull(advertisedHost, "advertisedHost");
            Objects.requireNonNull(workDir, "workDir");
            Objects.requireNonNull(startTimeout, "startTimeout");
            Objects.requireNonNull(checkInterval, "checkInterval");
            Objects.requireNonNull(stopGrace, "stopGrace");
        }
    }

    /**
     * The dead-man deadline of command plugins: {@code leaseLeft} is how long the agent may still run roles (its lease
     * left plus one lease check), {@code grace} what a plugin gets between SIGTERM and SIGKILL when the agent stopped
     * renewing in time (the fence grace). See {@link CommandPlugin}.
     */
    public record Deadlines(Supplier<Duration> leaseLeft, Duration grace) {
        public Deadlines {
            Objects.requireNonNull(leaseLeft, "leaseLeft");
            Objects.requireNonNull(grace, "grace");
        }
    }

    private final Settings settings;
    private final Deadlines deadlines;
    private final Listener listener;
    private final Map<String, Runner> runners = new ConcurrentHashMap<>();
    private final Duration probeTimeout;

    /** A host whose command plugins end only with the agent or a stop (no dead-man deadline). */
    public PluginHost(Settings settings, Listener listener) {
        this(settings, null, listener);
    }

    /** @param deadlines the dead-man deadline of command plugins; null for none */
    public PluginHost(Settings settings, Deadlines deadlines, Listener listener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.deadlines = deadlines;
        this.listener = Objects.requireNonNull(listener, "listener");
        long probeMillis = Math.max(50, Math.min(settings.checkInterval().toMillis(), 500));
        this.probeTimeout = Duration.ofMillis(probeMillis);
    }

    /** Starts the plugin of {@code roleId} for {@code epoch}; returns at once, the outcome goes to the listener. */
    public void start(String roleId, long epoch, PluginSpec spec) {
        PluginInstance instance;
        try {
            instance = create(roleId, spec);
        } catch (RuntimeException e) {
            listener.failed(roleId, epoch, "cannot start plugin: " + e.getMessage());
            return;
        }
        Runner runner = new Runner(roleId, epoch, instance);
        Runner previous = runners.put(roleId, runner);
        if (previous != null) {
            // The supervisor starts a role only once its previous run has stopped; never leave one unwatched.
            LOG.warn("Role {} started at epoch {} while epoch {} still runs here: stopping that one", roleId, epoch,
                    previous.epoch);
            previous.requestStop(Duration.ZERO);
        }
        runner.thread.start();
    }

    /**
     * Stops the plugin of {@code roleId} started for {@code epoch}, killing it once {@code grace} has passed; reports
     * {@code stopped} when it is gone (at once when nothing of that epoch runs).
     */
    public void stop(String roleId, long epoch, Duration grace) {
        Runner runner = runners.get(roleId);
        if (runner != null && runner.epoch == epoch) {
            runner.requestStop(grace);
        } else {
            listener.stopped(roleId, epoch);
        }
    }

    /** The agent still holds its lease for {@code left}: renews every running plugin's dead-man deadline. */
    public void renewAll(Duration left) {
        runners.values().forEach(runner -> runner.instance.renew(left));
    }

    /** The plugins running now, as {@code roleId -> description} (pid or in-process). */
    public Map<String, String> running() {
        Map<String, String> running = new TreeMap<>();
        runners.forEach((roleId, runner) -> running.put(roleId, runner.instance.describe()));
        return running;
    }

    PluginInstance create(String roleId, PluginSpec spec) {
        String kind = spec == null ? "sample" : spec.kind();
        int requested = spec == null || spec.port() == null ? 0 : spec.port();
        switch (kind) {
            case "sample":
                return new SamplePlugin(settings.serverId(), roleId, requested);
            case "command":
                if (spec.command().isEmpty()) {
                    throw new IllegalArgumentException("the command plugin of role " + roleId + " has no command");
                }
                int port = requested > 0 ? requested : PortProbe.freePort();
                Placeholders placeholders = new Placeholders(port, roleId, settings.serverId());
                return new CommandPlugin(roleId, placeholders.apply(spec.command()),
                        placeholders.apply(spec.environment()), port, settings.workDir(),
                        settings.workDir().resolve(roleId + ".log"), settings.stopGrace(),
                        deadlines == null ? null
                                : new CommandPlugin.Deadline(deadlines.leaseLeft().get(), deadlines.grace()));
            default:
                throw new IllegalArgumentException("unknown plugin kind '" + kind + "' (expected sample or command)");
        }
    }

    /**
     * Stops every plugin with {@code grace} and waits for them, a little longer than the grace; whatever is still
     * alive then is killed.
     */
    public void stopAll(Duration grace) {
        List<Runner> all = new ArrayList<>(runners.values());
        all.forEach(runner -> runner.requestStop(grace));
        long deadline = System.nanoTime() + grace.toNanos() + KILL_WAIT_NANOS;
        for (Runner runner : all) {
            try {
                runner.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (runner.thread.isAlive()) {
                LOG.error("Plugin of role {} ({}) did not stop in time: killing it", runner.roleId,
                        runner.instance.describe());
                runner.instance.kill();
            }
        }
    }

    @Override
    public void close() {
        stopAll(settings.stopGrace());
    }

    /** One run of one plugin: launch, wait for its port, watch it, stop it. */
    private final class Runner implements Runnable {
        final String roleId;
        final long epoch;
        final PluginInstance instance;
        final Thread thread;
        private final Object lock = new Object();
        private boolean stopRequested;
        private long killAt;
        private boolean killAtSet;
        private boolean woken;

        Runner(String roleId, long epoch, PluginInstance instance) {
            this.roleId = roleId;
            this.epoch = epoch;
            this.instance = instance;
            this.thread = new Thread(this, "plugin-" + roleId);
            this.thread.setDaemon(true);
        }

        void requestStop(Duration grace) {
            synchronized (lock) {
                stopRequested = true;
                bringKillForward(System.nanoTime() + grace.toNanos());
                woken = true;
                lock.notifyAll();
            }
        }

        private void bringKillForward(long at) {
            if (!killAtSet || at - killAt < 0) {
                killAt = at;
                killAtSet = true;
            }
        }

        void wake() {
            synchronized (lock) {
                woken = true;
                lock.notifyAll();
            }
        }

        private boolean stopRequested() {
            synchronized (lock) {
                return stopRequested;
            }
        }

        /** Waits up to {@code nanos}, or less when woken (a stop request, the plugin's end). */
        private void pause(long nanos) {
            long deadline = System.nanoTime() + nanos;
            synchronized (lock) {
                try {
                    long left;
                    while (!woken && (left = deadline - System.nanoTime()) > 0) {
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopRequested = true;
                    bringKillForward(System.nanoTime());
                }
                woken = false;
            }
        }

        @Override
        public void run() {
            long started = System.nanoTime();
            try {
                try {
                    instance.launch();
                } catch (IOException | RuntimeException e) {
                    listener.failed(roleId, epoch, "cannot start plugin: " + e.getMessage());
                    return;
                }
                instance.onEnded(this::wake);
                LOG.info("Plugin of role {} at epoch {} launched ({}, port {})", roleId, epoch, instance.describe(),
                        instance.port());
                if (awaitListening(started)) {
                    watch();
                }
            } finally {
                runners.remove(roleId, this);
                instance.release();
            }
        }

        private boolean awaitListening(long started) {
            long deadline = started + settings.startTimeout().toNanos();
            while (true) {
                if (stopRequested()) {
                    shutDown();
                    listener.stopped(roleId, epoch);
                    return false;
                }
                Optional<String> ended = instance.ended();
                if (ended.isPresent()) {
                    listener.failed(roleId, epoch, "plugin " + ended.get() + " before listening on port "
                            + instance.port() + " (" + instance.describe() + ")");
                    return false;
                }
                if (PortProbe.accepts(settings.advertisedHost(), instance.port(), probeTimeout)) {
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    listener.running(roleId, epoch, new Endpoint(settings.advertisedHost(), instance.port()),
                            "listening after " + millis + " ms (" + instance.describe() + ")");
                    return true;
                }
                if (System.nanoTime() - deadline >= 0) {
                    shutDown();
                    listener.failed(roleId, epoch, "not listening on port " + instance.port() + " after "
                            + settings.startTimeout().toMillis() + " ms (" + instance.describe() + "): stopped");
                    return false;
                }
                pause(START_PROBE_NANOS);
            }
        }

        private void watch() {
            int misses = 0;
            while (true) {
                pause(settings.checkInterval().toNanos());
                if (stopRequested()) {
                    shutDown();
                    listener.stopped(roleId, epoch);
                    return;
                }
                Optional<String> ended = instance.ended();
                if (ended.isPresent()) {
                    listener.failed(roleId, epoch, "plugin " + ended.get() + " (" + instance.describe() + ")");
                    return;
                }
                if (PortProbe.accepts(settings.advertisedHost(), instance.port(), probeTimeout)) {
                    misses = 0;
                } else if (++misses >= MISSES_TO_FAIL) {
                    shutDown();
                    listener.failed(roleId, epoch, "port " + instance.port() + " refused connections on "
                            + MISSES_TO_FAIL + " checks in a row (" + instance.describe() + "): stopped");
                    return;
                }
            }
        }

        /** Terminates, waits until the plugin is gone or the kill time (which a new request may bring forward). */
        private void shutDown() {
            synchronized (lock) {
                // A stop after a failure was not requested: it gets the normal grace.
                bringKillForward(killAtSet ? killAt : System.nanoTime() + settings.stopGrace().toNanos());
            }
            if (instance.ended().isEmpty()) {
                instance.terminate();
            }
            while (instance.ended().isEmpty()) {
                long left;
                synchronized (lock) {
                    left = killAt - System.nanoTime();
                }
                if (left <= 0) {
                    break;
                }
                pause(left);
            }
            if (instance.ended().isPresent()) {
                return;
            }
            LOG.warn("Plugin of role {} at epoch {} ({}) still alive when its grace ran out: killing it", roleId,
                    epoch, instance.describe());
            instance.kill();
            long deadline = System.nanoTime() + KILL_WAIT_NANOS;
            while (instance.ended().isEmpty() && deadline - System.nanoTime() > 0) {
                pause(TimeUnit.MILLISECONDS.toNanos(20));
            }
            if (instance.ended().isEmpty()) {
                LOG.error("Plugin of role {} at epoch {} ({}) survived SIGKILL for 5 s", roleId, epoch,
                        instance.describe());
            }
        }
    }
}
