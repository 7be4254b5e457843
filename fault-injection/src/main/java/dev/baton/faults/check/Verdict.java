package dev.baton.faults.check;

import dev.baton.faults.check.Checker.Overlap;
import dev.baton.faults.check.History.ScenarioWindow;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the {@link Checker} found in one run: the violations and the figures the reliability report shows. */
public record Verdict(List<Violation> violations, List<Overlap> overlaps, int lostEvents, History history) {
    public Verdict {
        violations = List.copyOf(violations);
        overlaps = List.copyOf(overlaps);
    }

    public boolean passed() {
        return violations.isEmpty();
    }

    public long overlapMillis() {
        return overlaps.stream().mapToLong(Overlap::millis).sum();
    }

    public long maxOverlapMillis() {
        return overlaps.stream().mapToLong(Overlap::millis).max().orElse(0);
    }

    public int hungRequests() {
        return history.hangs().size();
    }

    public long failedRequests() {
        return history.requests().stream().mapToLong(History.RequestTally::failed).sum();
    }

    public long okRequests() {
        return history.requests().stream().mapToLong(History.RequestTally::ok).sum();
    }

    /** Failed requests per scenario name (every run of the scenario together). */
    public Map<String, Long> failedByScenario() {
        Map<String, Long> failed = new TreeMap<>();
        history.requests().forEach(t -> failed.merge(t.scenario(), t.failed(), Long::sum));
        return failed;
    }

    /** Moves per scenario name, by the scenario window each move fell in. */
    public Map<String, Long> movesByScenario() {
        Map<String, Long> moves = new TreeMap<>();
        history.moves().forEach(m -> moves.merge(Checker.scenarioAt(history.scenarios(), m.atMs()), 1L, Long::sum));
        return moves;
    }

    /** Times to serve again per scenario name, in the order the runs happened (-1: not within the bound). */
    public Map<String, List<Long>> serveAgainByScenario() {
        Map<String, List<Long>> times = new TreeMap<>();
        for (ScenarioWindow window : history.scenarios()) {
            times.computeIfAbsent(window.name(), k -> new java.util.ArrayList<>()).add(window.serveAgainMs());
        }
        return times;
    }

    /** One line per violation, or "no violations". */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("checker: %d scenario runs, %d violations; overlaps %d (%d ms, max %d ms), lost events "
                + "%d, hung requests %d, failed requests %d of %d%n", history.scenarios().size(), violations.size(),
                overlaps.size(), overlapMillis(), maxOverlapMillis(), lostEvents, hungRequests(), failedRequests(),
                failedRequests() + okRequests()));
        violations.forEach(v -> out.append("  ").append(v).append('\n'));
        return out.toString();
    }
}
