package dev.baton.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Proof that a server's agent is alive, on {@link Topic#HEARTBEATS} keyed by server id. The send time is
 * {@code occurredAt}.
 *
 * @param incarnation new for every start of the agent process; a new incarnation voids what the old one
 *     reported
 * @param sequence increases by one per heartbeat within an incarnation, so duplicates and reordering show
 * @param host the address clients and the gateway reach this server's roles on
 * @param kind MAIN or EXPANSION, from the agent's configuration
 * @param roles every role this server hosts, with its epoch, state and endpoint
 * @param databases whether this server reaches each role's database
 * @param leaving the agent is shutting down on purpose (planned leave): its roles should leave it by planned
 *     moves (reason MAINTENANCE) before it stops them; false when absent
 */
public record Heartbeat(
        UUID eventId,
        Instant occurredAt,
        String serverId,
        String incarnation,
        long sequence,
        String host,
        ServerKind kind,
        List<HostedRole> roles,
        @OptionalField List<DatabaseReach> databases,
        @OptionalField @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean leaving) implements BatonEvent {
    public Heartbeat {
        Checks.required("eventId", eventId);
        Checks.required("occurredAt", occurredAt);
        Ids.requireValid("serverId", serverId);
        Ids.requireValid("incarnation", incarnation);
        Checks.nonNegative("sequence", sequence);
        Checks.nonBlank("host", host);
        Checks.required("kind", kind);
        roles = Checks.list("roles", roles);
        leaving = Boolean.TRUE.equals(leaving);
        databases = Checks.listOrEmpty("databases", databases);
    }

    /** A heartbeat of an agent that is not leaving. */
    public Heartbeat(UUID eventId, Instant occurredAt, String serverId, String incarnation, long sequence, String host,
            ServerKind kind, List<HostedRole> roles, List<DatabaseReach> databases) {
        this(eventId, occurredAt, serverId, incarnation, sequence, host, kind, roles, databases, false);
    }

    @Override
    public String key() {
        return serverId;
    }
}
