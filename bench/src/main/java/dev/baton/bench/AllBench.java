package dev.baton.bench;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Every benchmark in turn, each with its default settings; stops at the first that fails to run. */
@Command(name = "all", mixinStandardHelpOptions = true, description = "Runs every benchmark in turn.")
public final class AllBench implements Callable<Integer> {
    static final List<String> ORDER = List.of("agent-footprint", "gateway", "gateway-moves", "heartbeats",
            "mass-failover", "audit", "failover", "false-failovers");

    @Option(names = "--quick", description = "Smoke runs only; nothing is written.")
    boolean quick;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        for (String name : ORDER) {
            System.out.println("=== " + name);
            int code = root.execute(quick ? new String[] {name, "--quick"} : new String[] {name});
            if (code != 0) {
                System.err.println(name + " failed (exit " + code + "); stopping");
                return code;
            }
        }
        return 0;
    }
}
