package dev.baton.faults;

import dev.baton.faults.check.History.RoleEnd;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * After a fault: every part that should run runs (one that died by itself is an incident, and is started again), and
 * every role with an eligible server answers through the gateway from the server the placement reports RUNNING.
 */
final class Recovery {
    private static final Duration PROBE = Duration.ofSeconds(2);
    private final Faults faults;
    private final LoadClient client;

    Recovery(Faults faults, LoadClient client) {
        this.faults = faults;
        this.client = client;
    }

    /** Whether the cluster recovered within {@code timeout}. */
    boolean await(Duration timeout) throws InterruptedException {
        for (String dead : faults.cluster().dead()) {
            faults.incident(dead + " had exited; started again");
            try {
                faults.restart(dead);
            } catch (RuntimeException e) {
                faults.incident(dead + " did not start again: " + e.getMessage());
            }
        }
        return Waits.within(timeout, () -> serving() ? Boolean.TRUE : null) != null;
    }

    private boolean serving() throws IOException, InterruptedException {
        Map<String, Control.ServerView> servers = faults.control().servers();
        for (Control.RoleView role : faults.control().roles().values()) {
            if (!eligible(role, servers)) {
                continue;
            }
            if (!"RUNNING".equals(role.state()) || role.host() == null
                    || !role.host().equals(client.probe(role.role(), PROBE))) {
                return false;
            }
        }
        return true;
    }

    private static boolean eligible(Control.RoleView role, Map<String, Control.ServerView> servers) {
        return role.servers().stream().anyMatch(s -> servers.containsKey(s) && servers.get(s).eligible());
    }

    /** Each role as it ends the run. */
    List<RoleEnd> endStates() throws InterruptedException {
        List<RoleEnd> ends = new ArrayList<>();
        try {
            Map<String, Control.ServerView> servers = faults.control().servers();
            for (Control.RoleView role : faults.control().roles().values()) {
                ends.add(new RoleEnd(role.role(), eligible(role, servers), client.probe(role.role(), PROBE),
                        role.host(), role.state()));
            }
        } catch (IOException e) {
            faults.incident("the placement's API did not answer at the end: " + e);
        }
        return ends;
    }
}
