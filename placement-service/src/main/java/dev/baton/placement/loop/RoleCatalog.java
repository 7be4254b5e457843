package dev.baton.placement.loop;

import dev.baton.placement.policy.RoleConfig;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.RoleStore;
import dev.baton.placement.store.ServerRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role definitions as last loaded from the store, kept by a worker so the placement loop never waits for the
 * database. The loop asks for a reload (a role was configured) and reads {@link #latest()}; a load runs on the
 * worker, at most one at a time, and a reload asked for while one runs is run after it, so no change is missed. A
 * load that fails (the database is down) keeps the previous definitions and is tried again after the retry delay.
 * The first successful load also reads the registered servers, for their maintenance flags at start; later loads
 * carry that list on unchanged.
 */
final class RoleCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(RoleCatalog.class);

    /**
     * One load's result.
     *
     * @param servers the registered servers as the first load read them
     */
    record Loaded(List<RoleDefinition> definitions, List<RoleConfig> roles, Instant at, List<ServerRecord> servers) {
        Loaded {
            definitions = List.copyOf(definitions);
            roles = List.copyOf(roles);
            servers = List.copyOf(servers);
        }
    }

    private final RoleStore store;
    private final Executor worker;
    private final Clock clock;
    private final Duration retryDelay;
    private final AtomicReference<Loaded> latest = new AtomicReference<>();
    private final AtomicBoolean loading = new AtomicBoolean();
    private volatile boolean wanted = true;
    private volatile Instant failedAt;
    private volatile boolean failing;

    RoleCatalog(RoleStore store, Executor worker, Clock clock, Duration retryDelay) {
        this.store = store;
        this.worker = worker;
        this.clock = clock;
        this.retryDelay = retryDelay;
    }

    /** The definitions as last loaded, or null before the first load succeeded. */
    Loaded latest() {
        return latest.get();
    }

    /** Asks for a reload; returns at once. */
    void reload() {
        wanted = true;
        tick(clock.instant());
    }

    /** Called every round: starts a wanted load unless one runs, a failed one only after the retry delay. */
    void tick(Instant now) {
        Instant failed = failedAt;
        if (!wanted || (failed != null && now.isBefore(failed.plus(retryDelay)))) {
            return;
        }
        if (!loading.compareAndSet(false, true)) {
            return; // the running load is followed by another, since wanted stays set
        }
        wanted = false;
        failedAt = null;
        try {
            worker.execute(this::load);
        } catch (RuntimeException e) {
            loading.set(false);
            wanted = true;
            LOG.warn("Could not start loading the role definitions: {}", e.toString());
        }
    }

    private void load() {
        try {
            Loaded previous = latest.get();
            List<ServerRecord> servers = previous == null ? store.servers() : previous.servers();
            List<RoleDefinition> definitions = store.roles();
            List<RoleConfig> roles = definitions.stream().map(RoleDefinition::toRoleConfig).toList();
            latest.set(new Loaded(definitions, roles, clock.instant(), servers));
            if (failing) {
                failing = false;
                LOG.info("Role definitions loaded again: {} roles", roles.size());
            }
        } catch (RuntimeException e) {
            wanted = true;
            failedAt = clock.instant();
            if (!failing) {
                failing = true;
                LOG.warn("Could not load the role definitions, deciding on those loaded before and retrying every {} ms:"
                        + " {}", retryDelay.toMillis(), e.toString());
            }
        } finally {
            loading.set(false);
        }
    }
}
