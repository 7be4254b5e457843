package dev.baton.systemtest;

import dev.baton.events.BatonEvent;
import dev.baton.events.RoleEvent;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import dev.baton.events.RoleStateChanged;
import dev.baton.events.RoleUnplaced;
import dev.baton.events.Topic;
import dev.baton.testkit.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** What the placement and the agents published about roles, read from the real role-events topic. */
final class RoleEvents {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final TestKafka kafka;

    RoleEvents(TestKafka kafka) {
        this.kafka = kafka;
    }

    /** Waits for {@code serverId}'s report of {@code roleId} in {@code state} at {@code epoch}. */
    RoleStateChanged state(String roleId, String serverId, long epoch, RoleState state) {
        return kafka.awaitEvent(Topic.ROLE_EVENTS, RoleStateChanged.class, e -> e.roleId().equals(roleId)
                && e.serverId().equals(serverId) && e.epoch() == epoch && e.state() == state, TIMEOUT);
    }

    /** Waits for the placement's move of {@code roleId} to {@code epoch}. */
    RoleMoved move(String roleId, long epoch) {
        return kafka.awaitEvent(Topic.ROLE_EVENTS, RoleMoved.class,
                e -> e.roleId().equals(roleId) && e.epoch() == epoch, TIMEOUT);
    }

    RoleUnplaced unplaced(String roleId) {
        return kafka.awaitEvent(Topic.ROLE_EVENTS, RoleUnplaced.class, e -> e.roleId().equals(roleId), TIMEOUT);
    }

    /** Every role event of {@code roleId} so far, in the order of its partition (they share the role's key). */
    List<RoleEvent> history(String roleId) {
        return kafka.readAll(Topic.ROLE_EVENTS, TIMEOUT).stream()
                .map(kafka::decode)
                .filter(RoleEvent.class::isInstance).map(RoleEvent.class::cast)
                .filter(e -> e.roleId().equals(roleId))
                .toList();
    }

    /** The reports of {@code serverId} about {@code roleId}, e.g. {@code [STARTING@1, RUNNING@1, STOPPED@1]}. */
    List<String> statesOf(String roleId, String serverId) {
        return history(roleId).stream()
                .filter(RoleStateChanged.class::isInstance).map(RoleStateChanged.class::cast)
                .filter(e -> e.serverId().equals(serverId))
                .map(e -> e.state() + "@" + e.epoch())
                .toList();
    }

    /** A one-line account of a role's history, for failure messages and logs. */
    String describe(String roleId) {
        return history(roleId).stream().map(RoleEvents::describe).collect(Collectors.joining("; "));
    }

    static String describe(BatonEvent event) {
        if (event instanceof RoleMoved m) {
            return "moved@" + m.epoch() + " " + m.from() + "->" + m.to() + " " + m.reason() + " at " + m.occurredAt();
        } else if (event instanceof RoleStateChanged s) {
            return s.serverId() + " " + s.state() + "@" + s.epoch() + " at " + s.occurredAt();
        } else if (event instanceof RoleUnplaced u) {
            return "unplaced@" + u.epoch() + " at " + u.occurredAt();
        }
        return event.toString();
    }
}
