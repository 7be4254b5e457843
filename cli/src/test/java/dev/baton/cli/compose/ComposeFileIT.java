package dev.baton.cli.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.baton.runtime.config.Config;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The repository's docker-compose.yml, checked without a Docker engine: its structure (every service, health check,
 * start-up order, image build and configuration variable) read with Jackson, and, when the {@code docker-compose}
 * binary is installed, its validation by {@code docker-compose config -q}. CI installs the binary (the {@code CI}
 * variable is set there), so a missing binary fails the build on CI and is only an assumption failure elsewhere.
 */
class ComposeFileIT {
    /** The service modules, each with a Dockerfile that copies its shaded jar. */
    private static final List<String> MODULES = List.of("heartbeat-agent", "placement-service", "audit-service",
            "proxy-gateway");
    private static final Map<String, String> MODULE_OF = Map.of(
            "placement-1", "placement-service", "placement-2", "placement-service", "audit", "audit-service",
            "gateway", "proxy-gateway", "agent-a", "heartbeat-agent", "agent-b", "heartbeat-agent",
            "agent-c", "heartbeat-agent");
    private static final Set<String> SERVICES = Set.of("kafka", "postgres", "placement-1", "placement-2", "audit",
            "gateway", "agent-a", "agent-b", "agent-c");
    /**
     * A configuration key read by a settings class: {@code config.string("kafka.group.id", ...)}, or through a helper
     * handed the configuration first: {@code positive(config, "lease", ...)}.
     */
    private static final Pattern CONFIG_KEY = Pattern.compile(
            "(?:config\\.(?:string|integer|bool|duration)\\(\\s*|\\(\\s*config\\s*,\\s*)\"([a-z0-9.-]+)\"");
    /** A compose variable with a default: {@code ${BATON_API_TOKEN:-change-me-demo-token}}. */
    private static final Pattern VARIABLE_WITH_DEFAULT = Pattern.compile("\\$\\{([A-Z0-9_]+):-([^}]*)}");

    private final Path root = repositoryRoot();
    private final JsonNode compose = read(root.resolve("docker-compose.yml"));
    private final JsonNode services = compose.path("services");

    private static Path repositoryRoot() {
        String configured = System.getProperty("baton.repository.root");
        Path root = (configured != null ? Path.of(configured) : Path.of("..")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("docker-compose.yml"))) {
            throw new IllegalStateException("no docker-compose.yml in " + root + "; set -Dbaton.repository.root");
        }
        return root;
    }

    private static JsonNode read(Path file) {
        try {
            return new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private Map<String, String> environment(String service) {
        Map<String, String> env = new HashMap<>();
        JsonNode node = services.path(service).path("environment");
        assertThat(node.isObject()).as(service + ": environment must be a mapping").isTrue();
        node.properties().forEach(field -> env.put(field.getKey(), field.getValue().asText()));
        return env;
    }

    @Test
    void shouldDefineEveryServiceInTheComposeSpecification() {
        assertThat(compose.has("version")).as("no version key: the Compose Specification").isFalse();
        assertThat(compose.has("name")).as("no top-level name: docker-compose 1.x refuses it").isFalse();
        assertThat(names(services)).containsExactlyInAnyOrderElementsOf(SERVICES);
        assertThat(services.path("kafka").path("image").asText()).startsWith("apache/kafka:");
        assertThat(services.path("postgres").path("image").asText()).isEqualTo("postgres:17");
    }

    @Test
    void shouldBuildEveryBatonServiceFromItsModulesDockerfile() throws IOException {
        for (String service : SERVICES) {
            JsonNode definition = services.path(service);
            assertThat(definition.has("image") || definition.has("build")).as(service + " has an image or a build")
                    .isTrue();
        }
        for (Map.Entry<String, String> entry : MODULE_OF.entrySet()) {
            JsonNode build = services.path(entry.getKey()).path("build");
            assertThat(build.path("context").asText()).as(entry.getKey() + " builds from the repository root")
                    .isEqualTo(".");
            assertThat(build.path("dockerfile").asText()).isEqualTo(entry.getValue() + "/Dockerfile");
        }
        String dockerignore = Files.readString(root.resolve(".dockerignore"), StandardCharsets.UTF_8);
        for (String module : MODULES) {
            Path dockerfile = root.resolve(module).resolve("Dockerfile");
            assertThat(dockerfile).as(module + " has a Dockerfile").isRegularFile();
            List<String> instructions = Files.readAllLines(dockerfile, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
            assertThat(instructions).as(module + "/Dockerfile")
                    .contains("FROM eclipse-temurin:17-jre")
                    .contains("COPY " + module + "/target/" + module + ".jar /opt/baton/" + module + ".jar")
                    .anyMatch(line -> line.startsWith("ENTRYPOINT [\"java\"")
                            && line.endsWith("\"-jar\", \"/opt/baton/" + module + ".jar\"]"));
            assertThat(dockerignore).as(".dockerignore lets the " + module + " jar into the build context")
                    .contains("!" + module + "/target/" + module + ".jar");
        }
    }

    @Test
    void shouldCheckTheHealthOfEveryService() {
        for (String service : SERVICES) {
            JsonNode test = services.path(service).path("healthcheck").path("test");
            assertThat(test.isArray() && test.size() > 1).as(service + " has a health check command").isTrue();
            assertThat(test.get(0).asText()).isIn("CMD", "CMD-SHELL");
        }
        for (String service : MODULE_OF.keySet()) {
            String port = environment(service).get("BATON_HTTP_PORT");
            assertThat(services.path(service).path("healthcheck").path("test").toString())
                    .as(service + " checks its own readiness endpoint")
                    .contains("http://127.0.0.1:" + port + "/health/ready");
        }
    }

    @Test
    void shouldStartEveryServiceAfterTheHealthyServicesItNeeds() {
        Map<String, List<String>> needs = new HashMap<>();
        for (String service : SERVICES) {
            JsonNode dependsOn = services.path(service).path("depends_on");
            List<String> dependencies = new ArrayList<>();
            if (!dependsOn.isMissingNode()) {
                assertThat(dependsOn.isObject()).as(service + ": depends_on with conditions").isTrue();
                for (Map.Entry<String, JsonNode> dependency : dependsOn.properties()) {
                    assertThat(SERVICES).as(service + " depends on a defined service").contains(dependency.getKey());
                    assertThat(dependency.getValue().path("condition").asText())
                            .as(service + " waits for " + dependency.getKey()).isEqualTo("service_healthy");
                    dependencies.add(dependency.getKey());
                }
            }
            needs.put(service, dependencies);
        }
        for (String service : MODULE_OF.keySet()) {
            assertThat(needs.get(service)).as(service + " needs Kafka").contains("kafka");
        }
        assertThat(needs.get("placement-1")).contains("postgres");
        assertThat(needs.get("placement-2")).contains("postgres");
        assertThat(needs.get("audit")).contains("postgres");
        // A start-up order exists: no cycle.
        Set<String> started = new HashSet<>();
        while (started.size() < SERVICES.size()) {
            List<String> ready = SERVICES.stream().filter(s -> !started.contains(s))
                    .filter(s -> started.containsAll(needs.get(s))).toList();
            assertThat(ready).as("services that can start after " + started).isNotEmpty();
            started.addAll(ready);
        }
    }

    @Test
    void shouldConfigureAgentsAndPlacementInstancesAsDocumented() {
        List<String> servers = new ArrayList<>();
        for (String agent : List.of("agent-a", "agent-b", "agent-c")) {
            Map<String, String> env = environment(agent);
            servers.add(env.get("BATON_SERVER_ID"));
            assertThat(env).containsEntry("BATON_SERVER_KIND", "EXPANSION")
                    .containsEntry("BATON_ADVERTISED_HOST", agent);
        }
        assertThat(servers).containsExactly("server-a", "server-b", "server-c");
        Set<String> instances = new TreeSet<>();
        for (String placement : List.of("placement-1", "placement-2")) {
            Map<String, String> env = environment(placement);
            assertThat(env).containsEntry("BATON_CONTROL_PLANE_FAILOVER", "true")
                    .containsEntry("BATON_ADMIN_URL", "http://" + placement + ":8081");
            instances.add(env.get("BATON_INSTANCE_ID"));
        }
        assertThat(instances).containsExactly("placement-1", "placement-2");
        String kafkaListeners = environment("kafka").get("KAFKA_ADVERTISED_LISTENERS");
        assertThat(kafkaListeners).contains("localhost:9092");
        assertThat(services.path("kafka").path("ports").toString()).contains("9092:9092");
        for (String service : MODULE_OF.keySet()) {
            String bootstrap = environment(service).get("BATON_KAFKA_BOOTSTRAP_SERVERS");
            assertThat(kafkaListeners).as(service + " reaches Kafka on an advertised listener")
                    .contains("//" + bootstrap);
        }
    }

    @Test
    void shouldTakeSecretsFromTheEnvironmentWithUsableDemoDefaults() {
        for (String service : MODULE_OF.keySet()) {
            environment(service).forEach((name, value) -> {
                if (name.contains("TOKEN") || name.contains("PASSWORD")) {
                    Matcher variable = VARIABLE_WITH_DEFAULT.matcher(value);
                    assertThat(variable.matches()).as(service + ": " + name + " comes from ${VAR:-demo default}")
                            .isTrue();
                    // The audit-service and the gateway refuse tokens shorter than 16 characters.
                    if (name.contains("TOKEN")) {
                        assertThat(variable.group(2)).as("demo token").hasSizeGreaterThanOrEqualTo(16)
                                .contains("demo");
                    }
                }
            });
        }
    }

    @Test
    void shouldUseOnlyConfigurationVariablesTheServicesKnow() throws IOException {
        Set<String> runtimeKeys = keys(root.resolve("runtime"));
        for (Map.Entry<String, String> entry : MODULE_OF.entrySet()) {
            Set<String> known = new TreeSet<>(runtimeKeys);
            known.addAll(keys(root.resolve(entry.getValue())));
            Set<String> knownEnv = new TreeSet<>();
            known.forEach(key -> knownEnv.add(Config.envName(key)));
            for (String name : environment(entry.getKey()).keySet()) {
                if (name.startsWith(Config.ENV_PREFIX)) {
                    assertThat(knownEnv).as(entry.getKey() + ": " + name + " names a key " + entry.getValue()
                            + " reads").contains(name);
                }
            }
        }
    }

    /** Every configuration key the main sources of {@code module} read. */
    private static Set<String> keys(Path module) throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher matcher = CONFIG_KEY.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (matcher.find()) {
                    keys.add(matcher.group(1));
                }
            }
        }
        assertThat(keys).as("configuration keys read in " + module).isNotEmpty();
        return keys;
    }

    @Test
    void shouldBeValidForDockerCompose() throws Exception {
        Path binary = onPath("docker-compose");
        if (binary == null) {
            String install = "apt-get install -y --no-install-recommends docker-compose";
            String ci = System.getenv("CI");
            if (ci != null && !ci.isBlank()) {
                fail("docker-compose is not installed, so docker-compose.yml cannot be validated; CI installs it "
                        + "with: " + install);
            }
            Assumptions.abort("docker-compose is not installed (" + install + "); only the structure was checked");
        }
        Process process = new ProcessBuilder(binary.toString(), "-f", root.resolve("docker-compose.yml").toString(),
                "config", "-q")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("docker-compose config did not finish within 2 minutes");
        }
        assertThat(process.exitValue()).as("docker-compose config -q said: "
                + new String(output, StandardCharsets.UTF_8)).isZero();
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
