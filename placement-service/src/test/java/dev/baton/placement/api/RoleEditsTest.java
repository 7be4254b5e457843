package dev.baton.placement.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.events.DatabaseRef;
import dev.baton.events.PluginSpec;
import dev.baton.events.ServerKind;
import dev.baton.placement.api.AdminRequests.CreateRole;
import dev.baton.placement.api.AdminRequests.DatabaseFields;
import dev.baton.placement.api.AdminRequests.Failback;
import dev.baton.placement.api.AdminRequests.PluginFields;
import dev.baton.placement.store.RoleDefinition;
import dev.baton.placement.store.ServerRecord;
import dev.baton.runtime.http.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoleEditsTest {
    private static final Instant NOW = Instant.parse("2025-03-14T09:26:53Z");
    private static final List<ServerRecord> REGISTERED = List.of(
            registered("srv-main", ServerKind.MAIN, "main.corp.example"),
            registered("srv-a", ServerKind.EXPANSION, "srv-a.corp.example"),
            registered("srv-b", ServerKind.EXPANSION, "10.0.0.12"),
            registered("srv-c", ServerKind.EXPANSION, "srv-c.corp.example"));

    private static ServerRecord registered(String id, ServerKind kind, String host) {
        return new ServerRecord(id, kind, host, NOW, false, null);
    }

    private static RoleDefinition role(String... servers) {
        return new RoleDefinition("billing", 3, List.of(servers), false, Duration.ofSeconds(30),
                new DatabaseRef("DB1\\SQLEXPRESS", "db1.corp.example", 1433), null, "alice", NOW, null);
    }

    private static ApiException rejection(Runnable edit) {
        return catchThrowableOfType(ApiException.class, edit::run);
    }

    private static CreateRole create(List<String> servers, DatabaseFields database) {
        return new CreateRole("billing", servers, false, 0, database, null, null);
    }

    @Test
    void shouldAppendAnAddedServerAtTheBottom() {
        assertThat(RoleEdits.withServerAdded(role("srv-a", "srv-b"), "srv-c").servers())
                .containsExactly("srv-a", "srv-b", "srv-c");
    }

    @Test
    void shouldRefuseToAddAServerTwice() {
        ApiException e = rejection(() -> RoleEdits.withServerAdded(role("srv-a", "srv-b"), "srv-a"));

        assertThat(e.status()).isEqualTo(422);
        assertThat(e.validationErrors()).containsExactly("serverId: 'srv-a' is already in the list at position 1");
    }

    @Test
    void shouldMoveAServerOnePositionUpOrDown() {
        assertThat(RoleEdits.withServerUp(role("srv-a", "srv-b", "srv-c"), "srv-c").servers())
                .containsExactly("srv-a", "srv-c", "srv-b");
        assertThat(RoleEdits.withServerDown(role("srv-a", "srv-b", "srv-c"), "srv-a").servers())
                .containsExactly("srv-b", "srv-a", "srv-c");
    }

    @Test
    void shouldRefuseToMoveTheTopServerUpOrTheBottomServerDown() {
        assertThat(rejection(() -> RoleEdits.withServerUp(role("srv-a", "srv-b"), "srv-a")).getMessage())
                .isEqualTo("role billing rejected: serverId: 'srv-a' is already at the top of the list: it has the "
                        + "highest priority");
        assertThat(rejection(() -> RoleEdits.withServerDown(role("srv-a", "srv-b"), "srv-b")).status())
                .isEqualTo(422);
    }

    @Test
    void shouldAnswer404ForAServerTheRoleDoesNotList() {
        ApiException e = rejection(() -> RoleEdits.withServerRemoved(role("srv-a", "srv-b"), "srv-c"));

        assertThat(e.status()).isEqualTo(404);
        assertThat(e.getMessage()).isEqualTo("role billing does not list server 'srv-c'; its servers are [srv-a, srv-b]");
        assertThat(rejection(() -> RoleEdits.withServerUp(role("srv-a"), "srv-x")).status()).isEqualTo(404);
    }

    @Test
    void shouldSetTheWholeOrderOnlyAsAPermutationOfTheCurrentServers() {
        assertThat(RoleEdits.withServerOrder(role("srv-a", "srv-b", "srv-c"), List.of("srv-c", "srv-a", "srv-b"))
                .servers()).containsExactly("srv-c", "srv-a", "srv-b");

        ApiException e = rejection(() -> RoleEdits.withServerOrder(role("srv-a", "srv-b", "srv-c"),
                List.of("srv-c", "srv-d", "srv-c")));

        assertThat(e.status()).isEqualTo(422);
        assertThat(e.validationErrors()).containsExactly(
                "servers[1]: 'srv-d' is not one of the role's servers: add it with POST /api/v1/roles/billing/servers",
                "servers[2]: 'srv-c' is listed twice",
                "servers: 'srv-a' is missing: the list must name each of the role's servers once; remove a server "
                        + "with DELETE /api/v1/roles/billing/servers/srv-a",
                "servers: 'srv-b' is missing: the list must name each of the role's servers once; remove a server "
                        + "with DELETE /api/v1/roles/billing/servers/srv-b");
    }

    @Test
    void shouldTurnFailbackOnKeepingTheDelayWhenNoneIsGiven() {
        RoleDefinition on = RoleEdits.withFailback(role("srv-a"), new Failback(true, null));
        RoleDefinition longer = RoleEdits.withFailback(role("srv-a"), new Failback(true, 120_000L));

        assertThat(on.forceHighestPriority()).isTrue();
        assertThat(on.failbackDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(longer.failbackDelay()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void shouldRejectADatabaseOnTheLocalMachineWithAnExplanation() {
        RoleDefinition local = RoleEdits.withDatabase(role("srv-a", "srv-b"),
                new DatabaseFields("(local)\\SQLEXPRESS", "db1.corp.example", 1433));

        ApiException e = rejection(() -> RoleEdits.validate(role("srv-a", "srv-b"), local, REGISTERED, false));

        assertThat(e.status()).isEqualTo(422);
        assertThat(e.getMessage()).startsWith("role billing rejected: database.server: '(local)\\SQLEXPRESS' is a "
                + "database on the local machine: restore the role's database on a remote server");
    }

    @Test
    void shouldRejectADatabaseOnOneOfTheRoleServersByNameOrByAdvertisedHost() {
        RoleDefinition byName = RoleEdits.withDatabase(role("srv-a", "srv-b"),
                new DatabaseFields("SRV-A\\SQLEXPRESS", "db1.corp.example", 1433));
        RoleDefinition byHost = RoleEdits.withDatabase(role("srv-a", "srv-b"),
                new DatabaseFields("DB9\\SQLEXPRESS", "10.0.0.12", 1433));

        assertThat(rejection(() -> RoleEdits.validate(role("srv-a", "srv-b"), byName, REGISTERED, false))
                .validationErrors()).containsExactly("database.server: 'SRV-A\\SQLEXPRESS' is on srv-a, one of the "
                        + "role's servers: the database must be on a third computer, separate from the servers hosting "
                        + "the role");
        assertThat(rejection(() -> RoleEdits.validate(role("srv-a", "srv-b"), byHost, REGISTERED, false))
                .validationErrors()).containsExactly("database.host: '10.0.0.12' is on srv-b (10.0.0.12), one of the "
                        + "role's servers: the database must be on a third computer, separate from the servers hosting "
                        + "the role");
    }

    @Test
    void shouldRejectAnIncompleteOrOutlandishDatabaseBeforeValidatingIt() {
        ApiException e = rejection(() -> RoleEdits.withDatabase(role("srv-a"),
                new DatabaseFields(" ", "db 1", 70000)));

        assertThat(e.validationErrors()).containsExactly(
                "database.server: must not be blank",
                "database.host: 'db 1' is not a host name or address: it contains spaces",
                "database.port: must be between 1 and 65535, was 70000");
        assertThat(rejection(() -> RoleEdits.withDatabase(role("srv-a"),
                new DatabaseFields("DB1\nINFO forged", "db1", 1433))).validationErrors())
                .containsExactly("database.server: must not contain control characters");
    }

    @Test
    void shouldRejectTheMainServerSayingControlPlaneFailoverMustBeConfiguredFirst() {
        RoleDefinition candidate = RoleEdits.withServerAdded(role("srv-a"), "srv-main");

        ApiException e = rejection(() -> RoleEdits.validate(role("srv-a"), candidate, REGISTERED, false));

        assertThat(e.status()).isEqualTo(422);
        assertThat(e.getMessage()).contains("'srv-main' is the MAIN server")
                .contains("requires control-plane failover to be configured")
                .contains("configure control-plane failover first");
        RoleEdits.validate(role("srv-a"), candidate, REGISTERED, true);
    }

    @Test
    void shouldRequireJoiningServersToBeRegisteredButNotThoseAlreadyListed() {
        RoleDefinition provisioned = role("srv-a", "srv-z");
        RoleDefinition joining = RoleEdits.withServerAdded(role("srv-a"), "srv-y");

        RoleEdits.validate(provisioned, RoleEdits.withServerUp(provisioned, "srv-z"), REGISTERED, false);
        assertThat(rejection(() -> RoleEdits.validate(role("srv-a"), joining, REGISTERED, false)).validationErrors())
                .containsExactly("servers[1]: 'srv-y' is not a registered server: a server registers with its first "
                        + "heartbeat; start its agent, then add it");
    }

    @Test
    void shouldCreateARoleAtVersion1ListingEveryProblemInFieldOrder() {
        RoleDefinition created = RoleEdits.create(create(List.of("srv-a", "srv-b"),
                new DatabaseFields("DB1\\SQLEXPRESS", "db1.corp.example", 1433)), "admin-api", NOW, REGISTERED, false);
        assertThat(created.version()).isEqualTo(1);
        assertThat(created.updatedBy()).isEqualTo("admin-api");

        ApiException e = rejection(() -> RoleEdits.create(new CreateRole("bad id", List.of("srv-main", "srv-main"),
                false, -5, new DatabaseFields("DB1", "db1", 0), null, 0L), "admin-api", NOW, REGISTERED, false));

        assertThat(e.validationErrors()).extracting(error -> error.substring(0, error.indexOf(':')))
                .containsExactly("roleId", "servers[0]", "servers[1]", "failbackDelayMs", "database.port", "gatewayPort");
    }

    @Test
    void shouldSetAndClearTheGatewayPortWithinItsRange() {
        RoleDefinition ported = RoleEdits.withGatewayPort(role("srv-a"), 7001L);

        assertThat(ported.gatewayPort()).isEqualTo(7001);
        assertThat(RoleEdits.sameConfiguration(ported, role("srv-a"))).isFalse();
        assertThat(RoleEdits.withGatewayPort(ported, null).gatewayPort()).isNull();
        assertThat(rejection(() -> RoleEdits.withGatewayPort(ported, 0L)).validationErrors())
                .containsExactly("gatewayPort: must be between 1 and 65535, was 0");
    }

    @Test
    void shouldCheckThePlugin() {
        ApiException e = rejection(() -> RoleEdits.create(new CreateRole("billing", List.of("srv-a"), false, 0, null,
                new PluginFields("binary", List.of(), Map.of("BAD-NAME", "x"), 70000L), null), "admin-api", NOW, REGISTERED,
                false));
        ApiException noCommand = rejection(() -> RoleEdits.create(new CreateRole("billing", List.of("srv-a"), false, 0,
                null, new PluginFields("command", List.of(), Map.of(), null), null), "admin-api", NOW, REGISTERED, false));

        assertThat(e.validationErrors()).containsExactly(
                "plugin.kind: must be 'sample' (the built-in plugin) or 'command' (an executable), was 'binary'",
                "plugin.environment: 'BAD-NAME' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)",
                "plugin.port: must be between 0 and 65535, was 70000");
        assertThat(noCommand.validationErrors()).hasSize(1).first().asString().startsWith("plugin.command: ");
        assertThat(RoleEdits.create(new CreateRole("billing", List.of("srv-a"), false, 0, null,
                new PluginFields("command", List.of("/opt/run", "{port}"), Map.of("LOG", "info"), 47001L), null),
                "admin-api", NOW, REGISTERED, false).plugin())
                .isEqualTo(new PluginSpec("command", List.of("/opt/run", "{port}"), Map.of("LOG", "info"), 47001));
    }

    @Test
    void shouldTellAnUnchangedConfigurationApartFromAChangedOne() {
        RoleDefinition current = role("srv-a", "srv-b");
        RoleDefinition restamped = current.stamped(9, "bob", NOW.plusSeconds(60));

        assertThat(RoleEdits.sameConfiguration(current, restamped)).isTrue();
        assertThat(RoleEdits.sameConfiguration(current, RoleEdits.withFailback(current, new Failback(false, 30_000L))))
                .isTrue();
        assertThat(RoleEdits.sameConfiguration(current, RoleEdits.withServerDown(current, "srv-a"))).isFalse();
    }
}
