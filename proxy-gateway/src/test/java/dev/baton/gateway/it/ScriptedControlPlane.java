package dev.baton.gateway.it;

import dev.baton.events.Endpoint;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleAssignment;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.testkit.TestKafka;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes what the placement-service and the agents would, in their order: the placement's RoleMoved and
 * RoleAssignment (without endpoint), the new host's RoleStateChanged STARTING then RUNNING with its endpoint, then the
 * placement's assignment again, now with the endpoint.
 */
final class ScriptedControlPlane implements RoleControlPlane {
    private final TestKafka kafka;
    private final Map<String, Long> epochs = new ConcurrentHashMap<>();
    private final Map<String, String> hosts = new ConcurrentHashMap<>();
    private final Map<String, MoveReason> reasons = new ConcurrentHashMap<>();

    ScriptedControlPlane(TestKafka kafka) {
        this.kafka = kafka;
    }

    @Override
    public void runOn(String roleId, SampleUpstream host) {
        beginMove(roleId, host);
        completeMove(roleId, host);
    }

    @Override
    public long beginMove(String roleId, SampleUpstream to) {
        return beginMove(roleId, to.serverId());
    }

    @Override
    public void completeMove(String roleId, SampleUpstream to) {
        completeMove(roleId, to.serverId(), to.endpoint());
    }

    /** {@link #beginMove(String, SampleUpstream)} towards any server, whatever runs the role there. */
    long beginMove(String roleId, String serverId) {
        return beginMove(roleId, serverId, MoveReason.FAILOVER);
    }

    /** A move for {@code reason} (the first placement is always INITIAL); a planned one has no detection time. */
    long beginMove(String roleId, String serverId, MoveReason why) {
        long epoch = epochs.merge(roleId, 1L, Long::sum);
        String from = hosts.put(roleId, serverId);
        Instant now = Instant.now();
        MoveReason reason = from == null ? MoveReason.INITIAL : why;
        boolean detected = reason == MoveReason.FAILOVER;
        kafka.send(new RoleMoved(UUID.randomUUID(), now, roleId, epoch, from, serverId, reason,
                from == null ? "first placement" : from + ": scripted " + reason, detected ? now : null, now));
        kafka.send(new RoleAssignment(UUID.randomUUID(), now, roleId, epoch, serverId, null, reason));
        reasons.put(roleId, reason);
        kafka.send(new RoleStateChanged(UUID.randomUUID(), Instant.now(), roleId, serverId, epoch,
                RoleState.STARTING, null, null));
        return epoch;
    }

    /** {@code serverId} reports {@code roleId} RUNNING at {@code endpoint}, at the epoch of the move begun last. */
    void completeMove(String roleId, String serverId, Endpoint endpoint) {
        long epoch = epoch(roleId);
        kafka.send(new RoleStateChanged(UUID.randomUUID(), Instant.now(), roleId, serverId, epoch,
                RoleState.RUNNING, endpoint, "listening"));
        kafka.send(new RoleAssignment(UUID.randomUUID(), Instant.now(), roleId, epoch, serverId, endpoint,
                reasons.getOrDefault(roleId, MoveReason.INITIAL)));
    }

    /** The epoch of the latest move of {@code roleId}. */
    long epoch(String roleId) {
        Long epoch = epochs.get(roleId);
        if (epoch == null) {
            throw new IllegalStateException(roleId + " was never placed");
        }
        return epoch;
    }
}
