package dev.baton.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.cli.BatonCli;
import dev.baton.cli.CliContext;
import dev.baton.cli.http.JdkApiClient;
import dev.baton.cli.kafka.KafkaEventSource;
import dev.baton.events.Heartbeat;
import dev.baton.events.ServerKind;
import dev.baton.placement.PlacementService;
import dev.baton.placement.PlacementSettings;
import dev.baton.runtime.config.Config;
import dev.baton.testkit.Await;
import dev.baton.testkit.KafkaExtension;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import dev.baton.testkit.TestKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code baton} command, run in process, against a real placement-service (in this JVM) on the real broker and
 * database. Three stand-in servers heartbeat so they register and roles can list them.
 */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliPlacementIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String TOKEN = "cli-it-token-0123456789";
    private static final List<String> SERVERS = List.of("cli-a", "cli-b", "cli-c");

    private final TestKafka kafka;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong sequence = new AtomicLong();
    private final String incarnation = UUID.randomUUID().toString();
    private PlacementService placement;
    private Map<String, String> env;

    CliPlacementIT(TestKafka kafka) {
        this.kafka = kafka;
    }

    @BeforeAll
    void startPlacementAndServers(TestDatabase database) throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put("instance.id", "placement-cli-it");
        values.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        values.put("kafka.topic.namespace", kafka.namespace());
        values.put("db.url", database.jdbcUrl());
        values.put("db.user", database.username());
        values.put("db.password", database.password());
        values.put("http.host", "127.0.0.1");
        values.put("http.port", "0");
        values.put("api.token", TOKEN);
        Config config = Config.of(values);
        PlacementSettings settings = PlacementSettings.from(config);
        config.requireNoUnknownKeys();
        placement = PlacementService.start(settings);
        // The CLI reads its settings from the environment, as an operator's shell would hand them over.
        env = Map.of("BATON_API_URL", "http://127.0.0.1:" + placement.httpPort(), "BATON_API_TOKEN", TOKEN,
                "BATON_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "BATON_KAFKA_TOPIC_NAMESPACE", kafka.namespace());

        heartbeats.scheduleAtFixedRate(this::beat, 0, 100, TimeUnit.MILLISECONDS);
        Await.until("servers registered", TIMEOUT, () -> {
            Run run = baton("servers", "list");
            return run.exit() == 0 && SERVERS.stream().allMatch(server -> run.out().lines()
                    .anyMatch(line -> line.startsWith(server + " ") && line.contains(" EXPANSION ")));
        });
    }

    private void beat() {
        long seq = sequence.incrementAndGet();
        for (String server : SERVERS) {
            kafka.send(new Heartbeat(UUID.randomUUID(), Instant.now(), server, incarnation, seq, server + ".test",
                    ServerKind.EXPANSION, List.of(), List.of(), null));
        }
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (placement != null) {
            placement.close();
        }
        heartbeats.shutdownNow();
        heartbeats.awaitTermination(5, TimeUnit.SECONDS);
    }

    private Run baton(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err, true);
        CliContext context = new CliContext(new JdkApiClient(), KafkaEventSource.factory(errWriter), env,
                Clock.systemUTC(), action -> { });
        int exit = BatonCli.commandLine(context, new PrintWriter(out, true), errWriter).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    @Test
    void shouldCreateListAndShowARole() {
        Run created = baton("roles", "create", "billing", "--servers", "cli-a,cli-b,cli-c", "--failback",
                "--failback-delay", "30s", "--db-server", "DB1\\SQLEXPRESS", "--db-host", "db1.test", "--db-port", "1433");

        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).startsWith("created role billing (version 1)\n")
                .contains("servers:         cli-a,cli-b,cli-c (highest priority first)")
                .contains("failback:        on after 30 s")
                .contains("database:        DB1\\SQLEXPRESS (db1.test:1433)");

        Run list = baton("roles", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).startsWith("ROLE ").contains("cli-a,cli-b,cli-c").contains("on after 30 s");
        assertThat(list.out().lines().filter(line -> line.startsWith("billing ")).count()).isEqualTo(1);

        Run show = baton("roles", "show", "billing", "--json");
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("\"roleId\":\"billing\"").contains("\"failbackDelayMs\":30000");
    }

    @Test
    void shouldChangeARoleThroughEveryEditCommand() {
        assertThat(baton("roles", "create", "edited", "--servers", "cli-a,cli-b").exit()).isZero();

        Run added = baton("roles", "add-server", "edited", "cli-c");
        assertThat(added.out()).startsWith("added cli-c to edited (version 2)\n").contains("cli-a,cli-b,cli-c");
        Run up = baton("roles", "up", "edited", "cli-b");
        assertThat(up.out()).contains("servers:         cli-b,cli-a,cli-c");
        Run failback = baton("roles", "failback", "edited", "on", "--delay", "1m");
        assertThat(failback.out()).contains("failback:        on after 1 min");
        Run databaseSet = baton("roles", "database", "edited", "--server", "DB9", "--host", "db9.test", "--port", "5432");
        assertThat(databaseSet.out()).startsWith("set the database of edited (version 5)\n")
                .contains("database:        DB9 (db9.test:5432)");
        Run removed = baton("roles", "remove-server", "edited", "cli-c");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("servers:         cli-b,cli-a (highest priority first)");
    }

    @Test
    void shouldReportAWrongTokenAsOneLineAndExitOne() {
        Run run = baton("--token", "not-the-token", "roles", "list");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly(
                "baton: placement API answered 401: invalid bearer token (check --token or BATON_API_TOKEN)");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldReportALocalDatabaseAsOneLineWithTheValidationErrorAndExitOne() {
        Run run = baton("roles", "create", "local-db", "--servers", "cli-a", "--db-server", "(local)\\SQLEXPRESS",
                "--db-host", "db1.test", "--db-port", "1433");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("baton: placement API answered 422: ")
                .contains("'(local)\\SQLEXPRESS' is a database on the local machine");
        assertThat(baton("roles", "show", "local-db").err()).startsWith("baton: placement API answered 404: ");
    }

    @Test
    void shouldTailTheConfigurationEventsFromTheBeginning() {
        assertThat(baton("roles", "create", "tailed", "--servers", "cli-c").exit()).isZero();

        Run run = baton("events", "tail", "config-events", "--from-beginning", "--max", "1", "--timeout", "10s");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).hasSize(1);
        assertThat(run.out()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z config-events RoleConfigured "
                + "\\S+ version=1 servers=\\S+ failback=\\S+.* by \\S+\\n");
    }

    @Test
    void shouldPutAServerInMaintenanceAndTakeItOut() {
        Run on = baton("servers", "maintenance", "cli-c", "on");
        assertThat(on.exit()).as(on.err()).isZero();
        assertThat(on.out()).startsWith("maintenance on for cli-c\n").contains("maintenance by ");

        Run off = baton("servers", "maintenance", "cli-c", "off");
        assertThat(off.exit()).isZero();
        assertThat(off.out()).doesNotContain("maintenance by ");
    }
}
