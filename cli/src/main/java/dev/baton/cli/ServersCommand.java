package dev.baton.cli;

import static dev.baton.cli.http.ApiEndpoint.segment;

import dev.baton.cli.format.ApiFormats;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code baton servers ...}: registered servers and their maintenance. */
@Command(name = "servers", description = "List servers; put a server in maintenance or end it.")
final class ServersCommand implements Callable<Integer> {
    private static final String SERVERS = "/api/v1/servers";

    @ParentCommand
    BatonCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: list, maintenance, what-if or release-brake");
    }

    @Command(name = "list", description = "Every registered server: kind, state, host and the roles it hosts.")
    int list() {
        String body = root.placement().get(SERVERS);
        return print(body, ApiFormats.servers(Json.parse("placement API", body)));
    }

    @Command(name = "maintenance", description = "Scheduled downtime: on moves the server's roles away (MAINTENANCE) "
            + "and places none on it; off makes it eligible again. Refused when roles would be left with no eligible "
            + "server, unless --force.")
    int maintenance(@Parameters(paramLabel = "SERVER") String serverId,
            @Parameters(paramLabel = "on|off", description = "on or off") Toggle toggle,
            @Option(names = "--force", description = "Even if the roles named in the refusal would stop.")
            boolean force) {
        String body = root.placement().put(SERVERS + "/" + segment(serverId) + "/maintenance"
                + (force ? "?force=true" : ""), Json.object().put("on", toggle.isOn()).toString());
        return print(body, "maintenance " + toggle + " for " + serverId + "\n"
                + ApiFormats.server(Json.parse("placement API", body)));
    }

    @Command(name = "what-if", description = "What the placement would do now if the server failed, went into "
            + "maintenance or came back: the moves and the roles that would stop. Changes nothing.")
    int whatIf(@Parameters(paramLabel = "SERVER") String serverId,
            @Parameters(paramLabel = "fails|maintenance|returns") String scenario) {
        String body = root.placement().post("/api/v1/what-if",
                Json.object().put("serverId", serverId).put("scenario", scenario).toString());
        return print(body, ApiFormats.whatIf(Json.parse("placement API", body)));
    }

    @Command(name = "release-brake", description = "Override the safety brake: the servers that fell silent together "
            + "are declared DOWN and their roles fail over.")
    int releaseBrake() {
        String body = root.placement().post("/api/v1/safety-brake/release", "");
        return print(body, ApiFormats.brakeRelease(Json.parse("placement API", body)));
    }

    private int print(String body, String text) {
        root.out().print(root.json() ? body + (body.endsWith("\n") ? "" : "\n") : text);
        root.out().flush();
        return 0;
    }
}
