package dev.baton.placement.detector;

import java.time.Instant;
import java.util.Objects;

/**
 * Whether a server reaches a role's database, as its current incarnation last reported it.
 *
 * @param since record timestamp of the first heartbeat of this incarnation that reported this reachability
 */
public record ReportedDatabase(String roleId, boolean reachable, Instant since) {
    public ReportedDatabase {
        Objects.requireNonNull(roleId, "roleId");
        Objects.requireNonNull(since, "since");
    }
}
