package dev.baton.cli;

import dev.baton.cli.http.ApiEndpoint;
import dev.baton.events.Ids;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code baton}: the top command and its global options, which every subcommand accepts too
 * ({@code baton --json roles list} and {@code baton roles list --json} are the same). An option not given falls
 * back to its environment variable, then to its default.
 */
@Command(name = "baton", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = BatonCli.Version.class,
        usageHelpAutoWidth = true, sortOptions = false,
        description = "Operate Baton: role configuration, servers, events and the audit trail.",
        subcommands = {RolesCommand.class, ServersCommand.class, EventsCommand.class, AuditCommand.class},
        footer = {"", "Exit codes: 0 done, 1 an API or broker error (one line on standard error), 2 a usage error."})
public final class BatonCommand implements Callable<Integer> {
    static final String DEFAULT_API = "http://127.0.0.1:8081";
    static final String DEFAULT_AUDIT = "http://127.0.0.1:8083";
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    static final String DEFAULT_NAMESPACE = "baton";

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--api", paramLabel = "URL", scope = ScopeType.INHERIT, order = 1,
            description = "Placement admin API (env BATON_API_URL, default " + DEFAULT_API + ").")
    String api;

    @Option(names = "--audit", paramLabel = "URL", scope = ScopeType.INHERIT, order = 2,
            description = "Audit API (env BATON_AUDIT_URL, default " + DEFAULT_AUDIT + ").")
    String audit;

    @Option(names = "--token", paramLabel = "TOKEN", scope = ScopeType.INHERIT, order = 3,
            description = "Bearer token of the APIs (env BATON_API_TOKEN; prefer the variable: arguments show in ps).")
    String token;

    @Option(names = "--audit-token", paramLabel = "TOKEN", scope = ScopeType.INHERIT, order = 4,
            description = "Bearer token of the audit API when it differs (env BATON_AUDIT_TOKEN, default the --token).")
    String auditToken;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT, order = 5,
            description = "Kafka bootstrap servers (env BATON_KAFKA_BOOTSTRAP_SERVERS, default " + DEFAULT_BOOTSTRAP
                    + ").")
    String bootstrap;

    @Option(names = "--namespace", paramLabel = "NAME", scope = ScopeType.INHERIT, order = 6,
            description = "Topic namespace (env BATON_KAFKA_TOPIC_NAMESPACE, default " + DEFAULT_NAMESPACE + ").")
    String namespace;

    @Option(names = "--json", scope = ScopeType.INHERIT, order = 7,
            description = "Print the raw JSON answers (events tail: each record's value) instead of tables.")
    boolean json;

    /** The command being run (e.g. {@code baton roles create}), for usage errors found while it runs. */
    private CommandLine running;

    BatonCommand(CliContext context) {
        this.context = context;
    }

    void running(CommandLine command) {
        this.running = command;
    }

    private CommandLine usageTarget() {
        return running != null ? running : spec.commandLine();
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: roles, servers, events or audit");
    }

    CliContext context() {
        return context;
    }

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The placement admin API. */
    ApiEndpoint placement() {
        return new ApiEndpoint("placement API", url("--api", api, "BATON_API_URL", DEFAULT_API), apiToken(),
                "--api or BATON_API_URL", "--token or BATON_API_TOKEN", context.api());
    }

    /** The audit API. */
    ApiEndpoint auditApi() {
        String auditTokenValue = setting(auditToken, "BATON_AUDIT_TOKEN", null);
        String tokenHint = auditTokenValue != null ? "--audit-token or BATON_AUDIT_TOKEN" : "--token or BATON_API_TOKEN";
        return new ApiEndpoint("audit API", url("--audit", audit, "BATON_AUDIT_URL", DEFAULT_AUDIT),
                auditTokenValue != null ? auditTokenValue : apiToken(), "--audit or BATON_AUDIT_URL", tokenHint,
                context.api());
    }

    String bootstrapServers() {
        return setting(bootstrap, "BATON_KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP);
    }

    String topicNamespace() {
        String value = setting(namespace, "BATON_KAFKA_TOPIC_NAMESPACE", DEFAULT_NAMESPACE);
        try {
            Ids.requireValid("namespace", value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(usageTarget(), "--namespace: " + e.getMessage());
        }
        return value;
    }

    private String apiToken() {
        return setting(token, "BATON_API_TOKEN", null);
    }

    private String setting(String option, String envName, String defaultValue) {
        if (option != null && !option.isBlank()) {
            return option.strip();
        }
        String fromEnv = context.env().get(envName);
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv.strip() : defaultValue;
    }

    private URI url(String option, String value, String envName, String defaultValue) {
        String text = setting(value, envName, defaultValue);
        String source = value != null && !value.isBlank() ? option : envName;
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ParameterException(usageTarget(), source + ": '" + text
                + "' is not an http:// or https:// URL, e.g. " + defaultValue);
    }
}
