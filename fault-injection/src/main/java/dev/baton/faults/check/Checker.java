package dev.baton.faults.check;

import dev.baton.faults.check.History.AgentDeath;
import dev.baton.faults.check.History.ScenarioWindow;
import dev.baton.faults.check.History.Span;
import dev.baton.faults.check.History.StateReport;
import dev.baton.faults.check.Violation.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Reads a run's {@link History} and finds every broken invariant (docs/architecture.md, "Invariants"): overlap, loss,
 * liveness, hung clients, recovery. Pure: the same history gives the same verdict.
 *
 * <p>Overlap is judged twice, from two independent records: the agents' RUNNING reports on role-events (an interval
 * from a RUNNING report to that server's next report of the role, its agent's death or the end of the run) and the
 * plugins' own tick logs (each process alive from its first to its last tick). Two intervals of one role on two
 * different servers that intersect are an overlap, reported with its length in milliseconds.
 */
public final class Checker {
    /** Overlaps listed in full; beyond that only counted. */
    private static final int LISTED = 20;

    private Checker() {
    }

    public static Verdict check(History history) {
        List<Violation> violations = new ArrayList<>();
        List<Overlap> overlaps = new ArrayList<>();
        overlaps.addAll(overlaps("role-events", runningIntervals(history), history.scenarios()));
        overlaps.addAll(overlaps("plugin log", pluginIntervals(history), history.scenarios()));
        overlaps.stream().limit(LISTED).forEach(o -> violations.add(new Violation(Kind.OVERLAP, o.scenario(),
                o.role() + " on " + o.first() + " and " + o.second() + " for " + o.millis() + " ms from " + o.fromMs()
                        + " (" + o.source() + ")")));
        if (overlaps.size() > LISTED) {
            violations.add(new Violation(Kind.OVERLAP, "-", (overlaps.size() - LISTED) + " more overlaps"));
        }
        int lost = checkLoss(history, violations);
        checkLiveness(history, violations);
        history.hangs().forEach(h -> violations.add(new Violation(Kind.HANG, h.scenario(), "a request to " + h.role()
                + " sent at " + h.sentAtMs() + " unanswered after " + h.waitedMs() + " ms on an open connection")));
        for (ScenarioWindow window : history.scenarios()) {
            if (window.serveAgainMs() < 0) {
                violations.add(new Violation(Kind.RECOVERY, window.name(),
                        "the roles did not all serve through the gateway again within the scenario's bound"));
            }
        }
        history.incidents().forEach(i -> violations.add(new Violation(Kind.INCIDENT, i.scenario(), i.what())));
        return new Verdict(violations, overlaps, lost, history);
    }

    /** One overlap: {@code role} on two servers at once for {@code millis}, seen in {@code source}. */
    public record Overlap(String source, String scenario, String role, String first, String second, long fromMs,
            long millis) {
    }

    record Interval(String role, String server, long fromMs, long toMs) {
    }

    static List<Interval> runningIntervals(History history) {
        Map<String, List<StateReport>> byRoleAndServer = history.states().stream()
                .sorted(Comparator.comparingLong(StateReport::atMs))
                .collect(Collectors.groupingBy(r -> r.role() + "\u0000" + r.server(), LinkedHashMap::new,
                        Collectors.toList()));
        List<Interval> intervals = new ArrayList<>();
        for (List<StateReport> reports : byRoleAndServer.values()) {
            Long open = null;
            for (StateReport report : reports) {
                boolean running = "RUNNING".equals(report.state());
                if (running && open == null) {
                    open = report.atMs();
                } else if (!running && open != null) {
                    intervals.add(close(report, open, report.atMs(), history.agentDeaths()));
                    open = null;
                }
            }
            if (open != null) {
                StateReport last = reports.get(reports.size() - 1);
                intervals.add(close(last, open, history.endMs(), history.agentDeaths()));
            }
        }
        return intervals;
    }

    /** An interval from {@code from} to {@code to}, or to the first death of the server's agent in between. */
    private static Interval close(StateReport report, long from, long to, List<AgentDeath> deaths) {
        long end = to;
        for (AgentDeath death : deaths) {
            if (death.server().equals(report.server()) && death.atMs() >= from && death.atMs() < end) {
                end = death.atMs();
            }
        }
        return new Interval(report.role(), report.server(), from, end);
    }

    static List<Interval> pluginIntervals(History history) {
        List<Interval> intervals = new ArrayList<>();
        for (Span span : history.pluginSpans()) {
            intervals.add(new Interval(span.role(), span.server(), span.fromMs(), span.toMs()));
        }
        return intervals;
    }

    static List<Overlap> overlaps(String source, List<Interval> intervals, List<ScenarioWindow> scenarios) {
        Map<String, List<Interval>> byRole = intervals.stream()
                .sorted(Comparator.comparingLong(Interval::fromMs))
                .collect(Collectors.groupingBy(Interval::role, LinkedHashMap::new, Collectors.toList()));
        List<Overlap> overlaps = new ArrayList<>();
        byRole.forEach((role, list) -> {
            for (int i = 0; i < list.size(); i++) {
                Interval a = list.get(i);
                for (int j = i + 1; j < list.size() && list.get(j).fromMs() < a.toMs(); j++) {
                    Interval b = list.get(j);
                    if (a.server().equals(b.server())) {
                        continue;
                    }
                    long from = Math.max(a.fromMs(), b.fromMs());
                    long to = Math.min(a.toMs(), b.toMs());
                    if (to > from) {
                        overlaps.add(new Overlap(source, scenarioAt(scenarios, from), role, a.server(), b.server(),
                                from, to - from));
                    }
                }
            }
        });
        return overlaps;
    }

    /** The scenario whose window holds {@code atMs} (the latest started, when windows touch), "-" for none. */
    static String scenarioAt(List<ScenarioWindow> scenarios, long atMs) {
        String name = "-";
        for (ScenarioWindow window : scenarios) {
            if (window.startMs() <= atMs && atMs <= window.endMs()) {
                name = window.name();
            }
        }
        return name;
    }

    private static int checkLoss(History history, List<Violation> violations) {
        int lost = 0;
        for (Map.Entry<UUID, String> record : history.audit().onTopics().entrySet()) {
            if (!history.audit().stored().contains(record.getKey())) {
                lost++;
                if (lost <= LISTED) {
                    violations.add(new Violation(Kind.LOSS, "-", "the record at " + record.getValue() + " (event "
                            + record.getKey() + ") is not in the audit store"));
                }
            }
        }
        if (lost > LISTED) {
            violations.add(new Violation(Kind.LOSS, "-", (lost - LISTED) + " more records missing"));
        }
        for (String position : history.audit().storedTwice()) {
            violations.add(new Violation(Kind.LOSS, "-", "the record at " + position
                    + " is stored more than once, under different event ids"));
        }
        return lost + history.audit().storedTwice().size();
    }

    private static void checkLiveness(History history, List<Violation> violations) {
        for (History.RoleEnd end : history.endStates()) {
            if (end.eligibleServer() && end.servedBy() == null) {
                violations.add(new Violation(Kind.LIVENESS, "end", end.role() + " has an eligible server but does not "
                        + "answer through the gateway (placement reports " + end.reportedState() + " on "
                        + end.reportedHost() + ")"));
            }
            if ("RUNNING".equals(end.reportedState()) && end.reportedHost() != null
                    && !end.reportedHost().equals(end.servedBy())) {
                violations.add(new Violation(Kind.LIVENESS, "end", end.role() + " is reported RUNNING on "
                        + end.reportedHost() + " but " + (end.servedBy() == null ? "nothing answers"
                                : end.servedBy() + " answers") + " through the gateway"));
            }
        }
    }
}
