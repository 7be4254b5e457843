package dev.baton.bench;

import dev.baton.bench.FailoverSettings.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What both failover benchmarks write about the settings they ran with. */
final class FailoverReporting {
    /** The keys that decide failover timing, in the settings line of the report. */
    private static final List<String> KEY_TIMING = List.of("heartbeat.interval", "failure.timeout",
            "evaluation.interval", "max.evaluation.gap", "lease", "placement.failure.timeout",
            "leader.heartbeat.interval", "leader.timeout", "plugin.check.interval", "retry.backoff.initial",
            "retry.backoff.max", "switch.timeout");

    private FailoverReporting() {
    }

    /** The key timing settings as they were in effect ({@code key=value}, or per service when they differ). */
    static void timingSettings(Report report, FailoverSettings settings, Map<Service, Map<String, String>> effective) {
        Map<String, Map<String, List<String>>> timing = settings.timing(effective);
        for (String key : KEY_TIMING) {
            Map<String, List<String>> values = timing.get(key);
            if (values == null) {
                continue;
            }
            report.setting(key, render(values));
        }
    }

    /** Every timing setting in effect, service by service, as a table. */
    static void timingTable(Report report, FailoverSettings settings, Map<Service, Map<String, String>> effective) {
        List<List<String>> rows = new ArrayList<>();
        settings.timing(effective).forEach((key, values) -> rows.add(List.of("`" + key + "`", render(values))));
        report.paragraph("Timing settings in effect (each service's defaults, with the overrides above; computed by "
                + "the services' own settings parsers from what the benchmark passed):");
        report.table(List.of("key", "value (services)"), rows);
    }

    /** Prints the settings every service runs with, for the log of the run. */
    static String describe(FailoverSettings settings, Map<Service, Map<String, String>> effective) {
        StringBuilder out = new StringBuilder("timing settings in effect:");
        settings.timing(effective).forEach((key, values) -> out.append("\n  ").append(key).append(" = ")
                .append(render(values)));
        return out.toString();
    }

    private static String render(Map<String, List<String>> values) {
        List<String> parts = new ArrayList<>();
        values.forEach((value, services) -> parts.add(value + " (" + String.join(", ", services) + ")"));
        return String.join("; ", parts);
    }
}
