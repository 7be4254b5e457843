package dev.baton.bench;

import dev.baton.bench.FailoverSettings.Service;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The configuration overrides the failover benchmarks take (a picocli mixin); every service runs at its defaults without them. */
public final class FailoverClusterOptions {
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting for every service that knows KEY "
            + "(e.g. heartbeat.interval=50ms reaches the agents and the placement; failure.timeout also becomes the "
            + "agents' placement.failure.timeout). Repeatable.")
    List<String> set = new ArrayList<>();

    @Option(names = "--placement-set", paramLabel = "KEY=VALUE", description = "A placement-service setting. Repeatable.")
    List<String> placementSet = new ArrayList<>();

    @Option(names = "--agent-set", paramLabel = "KEY=VALUE", description = "A heartbeat-agent setting. Repeatable.")
    List<String> agentSet = new ArrayList<>();

    @Option(names = "--gateway-set", paramLabel = "KEY=VALUE", description = "A proxy-gateway setting. Repeatable.")
    List<String> gatewaySet = new ArrayList<>();

    @Option(names = "--audit-set", paramLabel = "KEY=VALUE", description = "An audit-service setting. Repeatable.")
    List<String> auditSet = new ArrayList<>();

    /**
     * The overrides, checked against the keys each service knows and against each service's own validation, given
     * the cluster's base configuration in {@code workDir}; a problem is a usage error of {@code command}.
     */
    FailoverSettings settings(CommandLine command, Path workDir) {
        Map<Service, List<String>> perService = new EnumMap<>(Service.class);
        perService.put(Service.PLACEMENT, placementSet);
        perService.put(Service.AGENT, agentSet);
        perService.put(Service.GATEWAY, gatewaySet);
        perService.put(Service.AUDIT, auditSet);
        Map<Service, Map<String, String>> probe = FailoverCluster.probeConfig(workDir);
        try {
            FailoverSettings settings = FailoverSettings.parse(set, perService, probe);
            for (Service service : Service.values()) {
                FailoverSettings.effective(service, settings.apply(service, probe.get(service)));
            }
            return settings;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command, e.getMessage(), e);
        }
    }
}
