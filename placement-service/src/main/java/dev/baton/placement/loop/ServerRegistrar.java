package dev.baton.placement.loop;

import dev.baton.placement.detector.ServerIdentity;
import dev.baton.placement.detector.ServerTransition;
import dev.baton.placement.store.RoleStore;
import dev.baton.placement.store.ServerRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the servers the placement loop sees joining, on a thread of its own and in batches: whatever joined
 * while the previous batch was being written goes into the next one, one transaction each. The loop never waits
 * for the database, so a thousand servers joining at once (or a slow PostgreSQL) cannot delay the failure
 * detector's reading of the heartbeat stream. A batch that fails is logged and dropped; its servers are registered
 * again on their next join (agent restart), as before.
 */
final class ServerRegistrar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRegistrar.class);

    private final RoleStore store;
    private final LinkedBlockingQueue<RoleStore.Sighting> queue = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<ServerRecord> stored = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** What the store holds, as far as the loop knows (read and written on the loop's thread only). */
    private final Map<String, ServerRecord> registered = new HashMap<>();

    ServerRegistrar(RoleStore store) {
        this.store = store;
        this.thread = new Thread(this::run, "placement-registrar");
        thread.setDaemon(true);
        thread.start();
    }

    /** The servers registered before this instance started. */
    void restore(List<ServerRecord> servers) {
        servers.forEach(server -> registered.putIfAbsent(server.serverId(), server));
    }

    /**
     * Queues the servers that joined (or came back with another host or kind) for registration; returns at once.
     * Called from the loop's thread.
     */
    void seen(List<ServerTransition> transitions) {
        ServerRecord record;
        while ((record = stored.poll()) != null) {
            registered.put(record.serverId(), record);
        }
        for (ServerTransition transition : transitions) {
            if (transition instanceof ServerTransition.Joined joined) {
                ServerRecord known = registered.get(joined.serverId());
                if (known != null && known.host().equals(joined.host()) && known.kind() == joined.kind()) {
                    continue;
                }
                queue.add(new RoleStore.Sighting(new ServerIdentity(joined.serverId(), joined.host(), joined.kind()),
                        joined.at()));
            }
        }
    }

    private void run() {
        while (running) {
            RoleStore.Sighting first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                continue;
            }
            List<RoleStore.Sighting> batch = new ArrayList<>();
            batch.add(first);
            queue.drainTo(batch);
            long started = System.nanoTime();
            try {
                stored.addAll(store.registerServers(batch));
                if (batch.size() > 1) {
                    LOG.info("Registered {} servers in {} ms", batch.size(), (System.nanoTime() - started) / 1_000_000);
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not register {} servers in the store (retried on their next join): {}", batch.size(),
                        e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
