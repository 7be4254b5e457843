package dev.baton.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code ./baton up} prints once everything serves: the processes, and what to try with each part. */
final class Banner {
    private final Path root;
    private final RunFiles files;
    private final Ports ports;
    private final boolean defaultHome;

    /**
     * @param defaultHome whether {@code BATON_HOME} is the default, so that the printed commands need no variable
     */
    Banner(Path root, RunFiles files, Ports ports, boolean defaultHome) {
        this.root = root;
        this.files = files;
        this.ports = ports;
        this.defaultHome = defaultHome;
    }

    /** The banner's lines, the ready line last. */
    List<String> lines(List<Child> children, String leader, String host, String token, double seconds) {
        String script = files.display(root.resolve("baton"));
        String baton = (defaultHome ? "" : "BATON_HOME=" + files.display(files.home()) + " ")
                + (script.contains("/") ? script : "./" + script);
        String lib = files.display(root.resolve("launcher").resolve("target").resolve("lib")) + "/*";
        String pids = files.display(files.home().resolve("pids"));
        String role = LocalRun.DEMO_ROLE;
        List<String> out = new ArrayList<>();
        out.add("");
        out.add("Processes (pid files in " + pids + "/, output in " + files.display(files.logs()) + "/<name>.log):");
        for (Child child : children) {
            out.add(String.format(Locale.ROOT, "  %-12s pid %-7d %s", child.name(), child.pid(), describe(child.name(),
                    leader)));
        }
        out.add("");
        out.add("Role " + role + " (sample plugin, servers " + String.join(", ", LocalRun.SERVERS) + ") runs on "
                + host + ". Talk to it through the gateway; each line comes back prefixed with the server that "
                + "answered:");
        out.add("  nc 127.0.0.1 " + ports.demoRoute() + "            (or: telnet 127.0.0.1 " + ports.demoRoute() + ")");
        out.add("");
        out.add("CLI (finds this run's APIs and token in " + files.display(files.home()) + " by itself):");
        out.add("  " + baton + " roles list");
        out.add("  " + baton + " roles show " + role);
        out.add("  " + baton + " servers list");
        out.add("  " + baton + " audit failovers");
        out.add("  " + baton + " events tail");
        out.add("");
        out.add("Console (sign in with the API token below; every placement instance serves it):");
        out.add("  http://127.0.0.1:" + ports.placement1() + "/console/   and http://127.0.0.1:" + ports.placement2()
                + "/console/");
        out.add("");
        out.add("API token: " + token + "   (stored in " + files.display(files.home().resolve("token"))
                + ", reused by every run)");
        out.add("  placement API  http://127.0.0.1:" + ports.placement1() + "/api/v1 and http://127.0.0.1:"
                + ports.placement2() + "/api/v1   (contract: /api/v1/openapi.yaml)");
        out.add("  audit API      http://127.0.0.1:" + ports.audit() + "/api/v1   (events, roles/<id>/history, "
                + "failovers)");
        out.add("  gateway API    http://127.0.0.1:" + ports.gateway() + "/api/v1/routes");
        out.add("  health         http://127.0.0.1:<port>/health/live, /health/ready, /metrics on every service");
        out.add("  curl -H \"Authorization: Bearer $(cat " + files.display(files.home().resolve("token"))
                + ")\" http://127.0.0.1:" + ports.placement1() + "/api/v1/roles");
        out.add("");
        out.add("Events on Kafka (" + ports.kafkaBootstrap() + "):");
        out.add("  kcat -b " + ports.kafkaBootstrap() + " -C -t baton.role-events -f '%k %s\\n'");
        out.add("  java -cp '" + lib + "' org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "
                + ports.kafkaBootstrap() + " --topic baton.role-events --from-beginning");
        out.add("");
        out.add("PostgreSQL (placement schema, audit tables):");
        out.add("  psql postgresql://" + ServiceSpecs.DB_USER + ":" + ServiceSpecs.DB_PASSWORD + "@127.0.0.1:"
                + ports.postgres() + "/" + ServiceSpecs.DATABASE);
        out.add("");
        out.add("Watch a failover: kill the host of " + role + ", then look where it went and how long it took:");
        out.add("  kill -9 $(cat " + pids + "/" + host + ")");
        out.add("  " + baton + " roles show " + role);
        out.add("  " + baton + " audit failovers --role " + role);
        out.add("");
        out.add("Stop everything: Ctrl-C here, or " + baton + " down from another terminal.");
        out.add(String.format(Locale.ROOT, "%s in %.1f s", LocalRun.READY_LINE, seconds));
        return out;
    }

    private String describe(String name, String leader) {
        return switch (name) {
            case "kafka" -> "kafka " + ports.kafkaBootstrap() + " (KRaft, data in "
                    + files.display(files.home().resolve("kafka")) + ")";
            case "postgres" -> "postgresql 127.0.0.1:" + ports.postgres() + ", database " + ServiceSpecs.DATABASE
                    + " (data in " + files.display(files.home().resolve("postgres")) + ")";
            case "placement-1" -> "http://127.0.0.1:" + ports.placement1() + (leader.equals("placement-1")
                    ? " (leader)" : " (standby)");
            case "placement-2" -> "http://127.0.0.1:" + ports.placement2() + (leader.equals("placement-2")
                    ? " (leader)" : " (standby)");
            case "audit" -> "http://127.0.0.1:" + ports.audit();
            case "gateway" -> "http://127.0.0.1:" + ports.gateway() + ", role " + LocalRun.DEMO_ROLE + " on 127.0.0.1:"
                    + ports.demoRoute();
            default -> "http://127.0.0.1:" + switch (name) {
                case "server-a" -> ports.agentA();
                case "server-b" -> ports.agentB();
                default -> ports.agentC();
            } + " (heartbeat-agent)";
        };
    }
}
