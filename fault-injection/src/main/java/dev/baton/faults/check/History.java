package dev.baton.faults.check;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Everything a fault-injection run recorded, as the {@link Checker} reads it: plain values, no I/O. Times are epoch
 * milliseconds on this machine's clock (every process of a run shares it).
 *
 * @param scenarios the faults in the order they ran
 * @param states the agents' role state reports from role-events
 * @param pluginSpans when each plugin process was alive, from the plugins' own tick logs
 * @param agentDeaths when an agent was killed ({@code kill -9}): its last report of a role holds until then at most
 * @param audit what the audited topics hold and what the audit store holds
 * @param requests the client's requests through the gateway, per scenario
 * @param hangs the requests neither answered nor refused within the client's deadline
 * @param endStates each role at the end of the run
 * @param incidents anything else a scenario saw go wrong (a service that died, an API answer that was a 5xx)
 * @param moves RoleMoved events: role, reason and time
 * @param endMs when the run ended; an interval still open then is closed there
 */
public record History(
        List<ScenarioWindow> scenarios,
        List<StateReport> states,
        List<Span> pluginSpans,
        List<AgentDeath> agentDeaths,
        AuditView audit,
        List<RequestTally> requests,
        List<Hang> hangs,
        List<RoleEnd> endStates,
        List<Incident> incidents,
        List<Move> moves,
        long endMs) {

    public History {
        scenarios = List.copyOf(scenarios);
        states = List.copyOf(states);
        pluginSpans = List.copyOf(pluginSpans);
        agentDeaths = List.copyOf(agentDeaths);
        requests = List.copyOf(requests);
        hangs = List.copyOf(hangs);
        endStates = List.copyOf(endStates);
        incidents = List.copyOf(incidents);
        moves = List.copyOf(moves);
    }

    /**
     * One fault as it ran: from its injection ({@code startMs}) to the end of its recovery wait ({@code endMs});
     * {@code serveAgainMs} is how long after the injection every role answered through the gateway again, -1 when
     * that did not happen within the scenario's bound.
     */
    public record ScenarioWindow(String name, long startMs, long endMs, long serveAgainMs) {
    }

    /** An agent's RoleStateChanged: {@code server} says {@code role} is {@code state} at {@code epoch}. */
    public record StateReport(String role, String server, long epoch, String state, long atMs) {
    }

    /** A plugin process of {@code role} on {@code server} alive from {@code fromMs} to {@code toMs}. */
    public record Span(String role, String server, String process, long fromMs, long toMs) {
    }

    public record AgentDeath(String server, long atMs) {
    }

    /**
     * The loss check's input.
     *
     * @param onTopics every record on the audited topics, by the event id the audit must store it under, with where it
     *     is ({@code topic/partition/offset})
     * @param stored the event ids in the audit store
     * @param storedTwice positions ({@code topic/partition/offset}) stored under more than one event id
     */
    public record AuditView(Map<UUID, String> onTopics, Set<UUID> stored, List<String> storedTwice) {
        public AuditView {
            onTopics = Map.copyOf(onTopics);
            stored = Set.copyOf(stored);
            storedTwice = List.copyOf(storedTwice);
        }
    }

    /** Requests through the gateway while {@code scenario} ran: answered, failed (refused, reset, closed). */
    public record RequestTally(String scenario, long ok, long failed) {
    }

    /** A request unanswered after the client's deadline on a connection still open. */
    public record Hang(String scenario, String role, long sentAtMs, long waitedMs) {
    }

    /**
     * A role at the end: whether a server of its list is eligible (UP, not in maintenance), which server answered a
     * request through the gateway (null: none did), and what the placement reports (host may be null).
     */
    public record RoleEnd(String role, boolean eligibleServer, String servedBy, String reportedHost,
            String reportedState) {
    }

    /** Something a scenario saw go wrong that is not one of the invariants above. */
    public record Incident(String scenario, String what) {
    }

    public record Move(String role, String reason, String to, long atMs) {
    }
}
