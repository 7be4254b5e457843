package dev.baton.agent;

import dev.baton.agent.plugin.PortProbe;
import dev.baton.agent.supervisor.DatabaseTarget;
import dev.baton.events.DatabaseReach;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tests, every interval on a thread of its own ({@code db-check}), whether this server reaches each role's database
 * (a TCP connect to its host and port), and keeps the last result for the heartbeat: a slow or unreachable
 * database never delays a heartbeat. A role's database is reported once it has been tested; a change of
 * reachability is logged.
 */
final class DatabaseProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseProbe.class);

    private final Duration interval;
    private final Duration timeout;
    private final Supplier<List<DatabaseTarget>> targets;
    private final Map<String, Result> results = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread;

    private record Result(DatabaseTarget target, boolean reachable) {
    }

    DatabaseProbe(Duration interval, Supplier<List<DatabaseTarget>> targets) {
        this.interval = interval;
        // Short enough that one dead database does not hold up the others' checks for long.
        this.timeout = Duration.ofMillis(Math.max(50, Math.min(interval.toMillis() / 2, 1000)));
        this.targets = targets;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "db-check");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        thread.scheduleWithFixedDelay(this::checkQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("Database check failed: {}", e.toString());
        }
    }

    private void check() {
        List<DatabaseTarget> current = targets.get();
        results.keySet().removeIf(roleId -> current.stream().noneMatch(t -> t.roleId().equals(roleId)));
        for (DatabaseTarget target : current) {
            boolean reachable = PortProbe.accepts(target.host(), target.port(), timeout);
            Result previous = results.put(target.roleId(), new Result(target, reachable));
            if (previous == null || previous.reachable() != reachable || !previous.target().equals(target)) {
                LOG.info("Database of role {} at {}:{} is {}", target.roleId(), target.host(), target.port(),
                        reachable ? "reachable" : "NOT reachable (TCP connect failed within " + timeout.toMillis()
                                + " ms)");
            }
        }
    }

    /** The last result for every current target that has been tested, for the next heartbeat. */
    List<DatabaseReach> current(List<DatabaseTarget> current) {
        List<DatabaseReach> reach = new ArrayList<>();
        for (DatabaseTarget target : current) {
            Result result = results.get(target.roleId());
            if (result != null && result.target().equals(target)) {
                reach.add(new DatabaseReach(target.roleId(), result.reachable()));
            }
        }
        return reach;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
