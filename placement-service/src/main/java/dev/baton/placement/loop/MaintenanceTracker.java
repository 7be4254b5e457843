package dev.baton.placement.loop;

import dev.baton.events.BatonEvent;
import dev.baton.events.Heartbeat;
import dev.baton.events.MaintenanceEnded;
import dev.baton.events.MaintenanceStarted;
import dev.baton.placement.detector.FailureDetector;
import dev.baton.placement.store.ServerRecord;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which servers are in maintenance and why: an operator's flag (through any instance's admin API, announced on
 * server-events) or an agent's planned leave (announced in its own heartbeats). A server leaves maintenance only
 * when neither holds. Tells the failure detector, and returns the announcement to publish when there is one; it
 * publishes nothing itself.
 */
final class MaintenanceTracker {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceTracker.class);
    /** Maintenance announced for an agent's planned leave is requested by "agent <serverId> (...)". */
    static final String AGENT_PREFIX = "agent ";

    private final FailureDetector detector;
    /** Servers in maintenance because their agent announced a planned leave, not because an operator said so. */
    private final Set<String> leaving = new HashSet<>();
    private final Set<String> operatorMaintenance = new HashSet<>();

    MaintenanceTracker(FailureDetector detector) {
        this.detector = detector;
    }

    /** The flags stored with the registered servers, read once at start. */
    void restore(List<ServerRecord> servers, Instant now) {
        for (ServerRecord server : servers) {
            if (server.maintenance() && operatorMaintenance.add(server.serverId())) {
                detector.startMaintenance(server.serverId(), now);
            }
        }
    }

    /**
     * An operator's flag. Returns the announcement the instance whose API received it publishes, or empty when the
     * flag was already so.
     */
    Optional<BatonEvent> operator(String serverId, boolean on, String by, Instant now) {
        boolean changed = on ? operatorMaintenance.add(serverId) : operatorMaintenance.remove(serverId);
        if (!changed) {
            return Optional.empty();
        }
        if (on) {
            detector.startMaintenance(serverId, now);
            return Optional.of(new MaintenanceStarted(UUID.randomUUID(), now, serverId, by));
        }
        if (!leaving.contains(serverId)) {
            detector.endMaintenance(serverId, now);
        }
        return Optional.of(new MaintenanceEnded(UUID.randomUUID(), now, serverId, by));
    }

    /**
     * An announcement read on server-events. Planned leaves ("agent ..." requests) every instance follows from the
     * agents' heartbeats itself; an operator's flag is applied here.
     */
    void announced(BatonEvent event, Instant now) {
        if (event instanceof MaintenanceStarted started && !started.requestedBy().startsWith(AGENT_PREFIX)) {
            operator(started.serverId(), true, started.requestedBy(), now);
        } else if (event instanceof MaintenanceEnded ended && !ended.requestedBy().startsWith(AGENT_PREFIX)) {
            operator(ended.serverId(), false, ended.requestedBy(), now);
        }
    }

    /**
     * An agent shutting down on purpose says so in its heartbeats: its server is put in maintenance so its roles
     * leave by planned moves. The next incarnation that does not say so ends that maintenance. Returns the
     * announcement the leader publishes when this heartbeat started or ended a planned leave.
     */
    Optional<BatonEvent> heartbeat(Heartbeat heartbeat, Instant at) {
        String serverId = heartbeat.serverId();
        if (heartbeat.leaving() && leaving.add(serverId)) {
            LOG.info("Server {} announced a planned leave: its roles move away (maintenance)", serverId);
            if (!operatorMaintenance.contains(serverId)) {
                detector.startMaintenance(serverId, at);
            }
            return Optional.of(new MaintenanceStarted(UUID.randomUUID(), at, serverId,
                    AGENT_PREFIX + serverId + " (planned leave)"));
        }
        if (!heartbeat.leaving() && leaving.remove(serverId)) {
            LOG.info("Server {} is back from its planned leave (incarnation {})", serverId, heartbeat.incarnation());
            if (!operatorMaintenance.contains(serverId)) {
                detector.endMaintenance(serverId, at);
            }
            return Optional.of(new MaintenanceEnded(UUID.randomUUID(), at, serverId,
                    AGENT_PREFIX + serverId + " (restarted)"));
        }
        return Optional.empty();
    }
}
