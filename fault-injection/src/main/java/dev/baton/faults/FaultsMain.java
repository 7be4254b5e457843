package dev.baton.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/run faults}: a fault-injection run on demand. Without {@code --scenario} it picks scenarios at random
 * (by the seed) until {@code --minutes} have passed; the seed is printed first, and the same seed replays the same
 * sequence of scenarios and targets. Exits 1 when the checker finds a violation.
 */
@Command(name = "faults", mixinStandardHelpOptions = true, description = "Fault injection with a checker of the invariants.")
public final class FaultsMain implements Callable<Integer> {
    @Option(names = "--minutes", description = "How long to inject random faults (default ${DEFAULT-VALUE}).",
            defaultValue = "60")
    double minutes;

    @Option(names = "--seed", description = "The seed (default: random, printed).")
    Long seed;

    @Option(names = "--profile", description = "Fault lengths: ci or long (default ${DEFAULT-VALUE}).",
            defaultValue = "long")
    String profile;

    @Option(names = "--scenario", description = "Run these scenarios (each once, in seeded order) instead of random "
            + "picks; 'ci' for the bounded profile's list. Repeatable.")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--include-known", description = "Let random picks include the scenarios marked known.")
    boolean includeKnown;

    @Option(names = "--connections", description = "Client connections per role (default ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int connections;

    @Option(names = "--run-dir", description = "Where processes keep data and logs (default: a new directory under "
            + "/tmp).")
    Path runDir;

    @Option(names = "--set", paramLabel = "PART:KEY=VALUE", description = "A setting beyond the defaults for every "
            + "process of PART (agent, placement, audit, gateway), e.g. agent:lease=2s. Repeatable.")
    List<String> set = new ArrayList<>();

    @Option(names = "--write", description = "Write docs/reliability.md from this run.")
    boolean write;

    @Option(names = "--commit", description = "The commit the run is built from, for the report.", defaultValue = "")
    String commit;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FaultsMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long theSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
        System.out.println("faults: seed " + theSeed + " (replay with --seed " + theSeed + ")");
        Path dir = runDir != null ? Files.createDirectories(runDir) : Files.createTempDirectory("baton-faults-");
        List<String> plan = new ArrayList<>();
        for (String name : scenarios) {
            plan.addAll(name.equals("ci") ? FaultRun.CI_PLAN : List.of(name));
        }
        Profile chosen = profile.equals("ci") ? Profile.CI : Profile.LONG;
        java.util.Map<String, java.util.Map<String, String>> settings = new java.util.HashMap<>();
        for (String setting : set) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(agent|placement|audit|gateway):([^=]+)=(.*)")
                    .matcher(setting);
            if (!m.matches()) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--set " + setting
                        + ": expected PART:KEY=VALUE with PART one of agent, placement, audit, gateway");
            }
            settings.computeIfAbsent(m.group(1), k -> new java.util.HashMap<>()).put(m.group(2), m.group(3));
        }
        Instant started = Instant.now();
        FaultRun.Result result = FaultRun.run(new FaultRun.Options(dir, chosen, theSeed, plan,
                Duration.ofMillis((long) (minutes * 60_000)), includeKnown, connections, settings), System.out::println);
        String command = "bench/run faults " + String.join(" ", commandLine(theSeed));
        Files.writeString(dir.resolve("verdict.txt"), result.verdict().summary());
        if (write) {
            Path doc = dev.baton.bench.Repository.root().resolve("docs").resolve("reliability.md");
            Files.writeString(doc, ReliabilityReport.markdown(result, command, commit, started));
            System.out.println("faults: wrote " + doc);
        }
        System.out.println("faults: " + (result.verdict().passed() ? "PASSED" : "FAILED") + " (seed " + theSeed
                + ", " + result.took().toMinutes() + " min, run directory " + dir + ")");
        return result.verdict().passed() ? 0 : 1;
    }

    private List<String> commandLine(long theSeed) {
        List<String> args = new ArrayList<>();
        if (scenarios.isEmpty()) {
            args.add("--minutes " + (minutes == Math.rint(minutes) ? Long.toString((long) minutes) : minutes));
        }
        args.add("--seed " + theSeed);
        args.add("--profile " + profile);
        scenarios.forEach(s -> args.add("--scenario " + s));
        if (includeKnown) {
            args.add("--include-known");
        }
        set.forEach(s -> args.add("--set " + s));
        return args;
    }
}
