package dev.baton.cli;

import static dev.baton.cli.http.ApiEndpoint.query;
import static dev.baton.cli.http.ApiEndpoint.segment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.cli.format.ApiFormats;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code baton audit ...}: the audit-service's query API (see docs/audit.md). */
@Command(name = "audit", description = "What happened to a role, and how long its failovers took.")
final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    BatonCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: history or failovers");
    }

    @Command(name = "history", description = "Every stored event about a role, oldest first, a page at a time.")
    int history(@Parameters(paramLabel = "ROLE") String roleId,
            @Option(names = "--type", paramLabel = "TYPES", description = "Only these event types, e.g. "
                    + "RoleMoved,RoleStateChanged.") String type,
            @Option(names = "--from", paramLabel = "INSTANT", description = "From this instant on (inclusive), "
                    + "e.g. 2026-11-25T00:00:00Z.") String from,
            @Option(names = "--to", paramLabel = "INSTANT", description = "Before this instant (exclusive).") String to,
            @Option(names = "--limit", paramLabel = "N", description = "Rows per page, 1 to 1000 (default 100).")
                    Integer limit,
            @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after the one that printed "
                    + "this cursor.") String cursor) {
        String path = "/api/v1/roles/" + segment(roleId) + "/history"
                + parameters("type", type, "from", from, "to", to, "limit", limit, "cursor", cursor);
        String body = root.auditApi().get(path);
        JsonNode page = Json.parse("audit API", body);
        return print(body, page, ApiFormats.history(page));
    }

    @Command(name = "failovers", description = "Every move with its timeline: detection, decision, RUNNING, clients "
            + "reconnected.")
    int failovers(@Option(names = "--role", paramLabel = "ROLE", description = "Only this role.") String role,
            @Option(names = "--reason", paramLabel = "REASON", description = "Only moves for this reason: INITIAL, "
                    + "FAILOVER, FAILBACK, MAINTENANCE, MANUAL, RESOURCE_FAILURE.") String reason,
            @Option(names = "--from", paramLabel = "INSTANT", description = "Moved from this instant on (inclusive).")
                    String from,
            @Option(names = "--to", paramLabel = "INSTANT", description = "Moved before this instant (exclusive).")
                    String to,
            @Option(names = "--limit", paramLabel = "N", description = "Rows per page, 1 to 1000 (default 100).")
                    Integer limit,
            @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after the one that printed "
                    + "this cursor.") String cursor) {
        String path = "/api/v1/failovers"
                + parameters("role", role, "reason", reason, "from", from, "to", to, "limit", limit, "cursor", cursor);
        String body = root.auditApi().get(path);
        JsonNode page = Json.parse("audit API", body);
        return print(body, page, ApiFormats.failovers(page));
    }

    /** {@code ?name=value&...} of the given pairs whose value is not null; empty when all are null. */
    static String parameters(Object... pairs) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                query.add(pairs[i] + "=" + query(String.valueOf(pairs[i + 1])));
            }
        }
        return query.toString();
    }

    private int print(String body, JsonNode page, String text) {
        if (root.json()) {
            root.out().println(body.strip());
        } else {
            root.out().print(text);
            String next = ApiFormats.nextCursor(page);
            if (next != null) {
                // On standard error, so standard output stays one table.
                root.err().println("more rows: repeat with --cursor " + next);
                root.err().flush();
            }
        }
        root.out().flush();
        return 0;
    }
}
