package dev.baton.placement;

import dev.baton.events.Ids;
import dev.baton.placement.detector.DetectorConfig;
import dev.baton.placement.policy.PolicyConfig;
import dev.baton.runtime.config.Config;
import dev.baton.runtime.kafka.KafkaSettings;
import java.time.Duration;

/**
 * The placement-service's configuration, validated at start-up.
 *
 * @param instanceId this instance, unique among the placement-service instances ({@code instance.id})
 * @param controlPlaneFailover whether standby instances run, so the control plane survives losing one; only
 *     then may a role list the MAIN server
 * @param apiToken bearer token of the admin API (masked in logs)
 * @param instanceHeartbeatInterval how often the instance announces itself on the placement-control topic
 * @param leaderTimeout a leader silent for this long is replaced by a standby
 * @param adminUrl the URL other instances reach this one's admin API at; null to derive it from the HTTP port
 * @param apiReadToken a second bearer token that may only read and ask what-if questions ({@code api.read.token},
 *     masked in logs); null for none
 */
public record PlacementSettings(
        String instanceId,
        KafkaSettings kafka,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int httpPort,
        String httpHost,
        String apiToken,
        DetectorConfig detector,
        PolicyConfig policy,
        boolean controlPlaneFailover,
        Duration publishTimeout,
        Duration instanceHeartbeatInterval,
        Duration leaderTimeout,
        String adminUrl,
        String apiReadToken) {

    public static final String SERVICE = "placement-service";

    /** Reads every key; problems are collected by {@code config} and reported together. */
    public static PlacementSettings from(Config config) {
        String instanceId = config.string("instance.id", "placement-1");
        try {
            Ids.requireValid("instance.id", instanceId);
        } catch (IllegalArgumentException e) {
            config.problem(e.getMessage());
            instanceId = "invalid";
        }
        KafkaSettings kafka = KafkaSettings.from(config, SERVICE + "-" + instanceId);
        String dbUrl = config.string("db.url", "jdbc:postgresql://127.0.0.1:5432/baton");
        String dbUser = config.string("db.user", "baton");
        String dbPassword = config.string("db.password", "");
        int httpPort = config.integer("http.port", 8081, 0, 65535);
        String httpHost = config.string("http.host", "0.0.0.0");
        String apiToken = config.string("api.token");
        DetectorConfig detector;
        try {
            detector = new DetectorConfig(
                    config.duration("heartbeat.interval", DetectorConfig.DEFAULT_HEARTBEAT_INTERVAL),
                    config.duration("failure.timeout", DetectorConfig.DEFAULT_FAILURE_TIMEOUT),
                    config.duration("evaluation.interval", DetectorConfig.DEFAULT_EVALUATION_INTERVAL),
                    config.duration("max.evaluation.gap", DetectorConfig.DEFAULT_MAX_EVALUATION_GAP),
                    config.duration("flap.window", DetectorConfig.DEFAULT_FLAP_WINDOW),
                    config.integer("flap.threshold", DetectorConfig.DEFAULT_FLAP_THRESHOLD, 0, 1000));
        } catch (IllegalArgumentException e) {
            config.problem(e.getMessage());
            detector = DetectorConfig.defaults();
        }
        PolicyConfig policy;
        try {
            policy = new PolicyConfig(
                    config.integer("resource.failure.budget", PolicyConfig.DEFAULT_RESOURCE_FAILURE_BUDGET, 0, 1000),
                    config.duration("resource.failure.window", PolicyConfig.DEFAULT_RESOURCE_FAILURE_WINDOW));
        } catch (IllegalArgumentException e) {
            config.problem(e.getMessage());
            policy = PolicyConfig.defaults();
        }
        boolean controlPlaneFailover = config.bool("control.plane.failover", false);
        Duration publishTimeout = config.duration("publish.timeout", Duration.ofSeconds(5));
        Duration instanceHeartbeatInterval = config.duration("leader.heartbeat.interval", Duration.ofMillis(100));
        Duration leaderTimeout = config.duration("leader.timeout", Duration.ofMillis(700));
        if (leaderTimeout.compareTo(instanceHeartbeatInterval.multipliedBy(3)) < 0) {
            config.problem("leader.timeout (" + leaderTimeout.toMillis() + " ms) must be at least three "
                    + "leader.heartbeat.interval (" + instanceHeartbeatInterval.toMillis() + " ms)");
        }
        String adminUrl = config.string("admin.url", null);
        String apiReadToken = config.string("api.read.token", null);
        if (apiReadToken != null && apiReadToken.isBlank()) {
            apiReadToken = null; // set but empty (a compose default): no read-only token, never an empty one
        }
        if (apiReadToken != null && apiReadToken.equals(apiToken)) {
            config.problem("api.read.token must differ from api.token: the read-only token must not change anything");
        }
        return new PlacementSettings(instanceId, kafka, dbUrl, dbUser, dbPassword, httpPort, httpHost, apiToken,
                detector, policy, controlPlaneFailover, publishTimeout, instanceHeartbeatInterval, leaderTimeout,
                adminUrl, apiReadToken);
    }

    @Override
    public String toString() {
        return "PlacementSettings[instanceId=" + instanceId + ", kafka=" + kafka + ", dbUrl=" + dbUrl + ", dbUser="
                + dbUser + ", dbPassword=****, httpPort=" + httpPort + ", apiToken=****, apiReadToken="
                + (apiReadToken == null ? "none" : "****") + ", detector=" + detector
                + ", policy=" + policy + ", controlPlaneFailover=" + controlPlaneFailover + ", leaderTimeout="
                + leaderTimeout + "]";
    }
}
