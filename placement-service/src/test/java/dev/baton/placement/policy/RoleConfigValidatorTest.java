package dev.baton.placement.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.DatabaseRef;
import dev.baton.events.ServerKind;
import dev.baton.placement.detector.ServerIdentity;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoleConfigValidatorTest {
    private static final List<ServerIdentity> KNOWN = List.of(
            new ServerIdentity("main", "main.corp.example", ServerKind.MAIN),
            new ServerIdentity("srv-a", "10.0.0.11", ServerKind.EXPANSION),
            new ServerIdentity("srv-b", "srv-b.corp.example", ServerKind.EXPANSION),
            new ServerIdentity("srv-c", "srv-c.corp.example", ServerKind.EXPANSION));
    private static final DatabaseRef REMOTE = new DatabaseRef("DBHOST\\SQLEXPRESS", "dbhost.corp.example", 1433);

    private static RoleConfig role(DatabaseRef database, String... servers) {
        return new RoleConfig("r1", List.of(servers), false, Duration.ofSeconds(30), database);
    }

    private static DatabaseRef db(String server, String host) {
        return new DatabaseRef(server, host, 1433);
    }

    private static Arguments row(String name, RoleConfig role, boolean controlPlaneFailover, String... errors) {
        return Arguments.of(Named.of(name, role), controlPlaneFailover, List.of(errors));
    }

    static Stream<Arguments> configurations() {
        String localAdvice = "is a database on the local machine: restore the role's database on a remote server "
                + "that hosts none of the role's servers and name that server instead, e.g. DBHOST\\SQLEXPRESS";
        String third = "one of the role's servers: the database must be on a third computer, separate from the "
                + "servers hosting the role";
        return Stream.of(
                row("shouldAcceptExpansionServersWithARemoteDatabase",
                        role(REMOTE, "srv-a", "srv-b"), false),
                row("shouldAcceptARoleWithoutDatabase",
                        role(null, "srv-a"), false),
                row("shouldAcceptServersThatHaveNotJoinedYet",
                        role(REMOTE, "srv-new", "srv-a"), false),
                row("shouldAcceptADatabaseOnAServerOutsideTheRolesList",
                        role(db("SRV-C\\SQLEXPRESS", "srv-c.corp.example"), "srv-a", "srv-b"), false),
                row("shouldRejectAnEmptyServerList",
                        role(REMOTE), false,
                        "servers: list at least one server"),
                row("shouldRejectAServerListedTwice",
                        role(REMOTE, "srv-a", "srv-b", "srv-a"), false,
                        "servers[2]: 'srv-a' is listed twice"),
                row("shouldRejectAnInvalidServerId",
                        role(REMOTE, "srv-a", "srv b"), false,
                        "servers[1]: id 'srv b' has characters outside [A-Za-z0-9._-]"),
                row("shouldRejectADatabaseServerStartingWithLocal",
                        role(db("(local)\\SQLEXPRESS", "dbhost"), "srv-a"), false,
                        "database.server: '(local)\\SQLEXPRESS' " + localAdvice),
                row("shouldRejectALocalDatabaseServerWhateverItsCase",
                        role(db("(LOCAL)", "dbhost"), "srv-a"), false,
                        "database.server: '(LOCAL)' " + localAdvice),
                row("shouldRejectTheDotAliasOfTheLocalMachine",
                        role(db(".\\SQLEXPRESS", "dbhost"), "srv-a"), false,
                        "database.server: '.\\SQLEXPRESS' " + localAdvice),
                row("shouldRejectALoopbackDatabaseHost",
                        role(db("DBHOST\\SQLEXPRESS", "127.0.0.1"), "srv-a"), false,
                        "database.host: '127.0.0.1' is the local machine: the database must be on a remote server "
                                + "that hosts none of the role's servers"),
                row("shouldRejectADatabaseNamedAfterOneOfTheRolesServers",
                        role(db("SRV-B\\SQLEXPRESS", "dbhost"), "srv-a", "srv-b"), false,
                        "database.server: 'SRV-B\\SQLEXPRESS' is on srv-b, " + third),
                row("shouldRejectADatabaseOnTheAdvertisedHostOfOneOfTheRolesServers",
                        role(db("DBHOST\\SQLEXPRESS", "10.0.0.11"), "srv-a", "srv-b"), false,
                        "database.host: '10.0.0.11' is on srv-a (10.0.0.11), " + third),
                row("shouldRejectADatabaseWhoseFullNameStartsWithARoleServersName",
                        role(db("tcp:srv-a.corp.example,1433", "dbhost"), "srv-a", "srv-b"), false,
                        "database.server: 'tcp:srv-a.corp.example,1433' is on srv-a, " + third),
                row("shouldRejectADatabaseWhoseShortNameMatchesARoleServersFullHost",
                        role(db("srv-b", "srv-b"), "srv-a", "srv-b"), false,
                        "database.server: 'srv-b' is on srv-b, " + third,
                        "database.host: 'srv-b' is on srv-b, " + third),
                row("shouldRejectTheMainServerWithoutControlPlaneFailover",
                        role(REMOTE, "main", "srv-a"), false,
                        "servers[0]: 'main' is the MAIN server: hosting a role on the main server requires "
                                + "control-plane failover to be configured; move the role to expansion servers or "
                                + "configure control-plane failover first"),
                row("shouldAcceptTheMainServerWithControlPlaneFailover",
                        role(REMOTE, "main", "srv-a"), true),
                row("shouldRejectANegativeFailbackDelay",
                        new RoleConfig("r1", List.of("srv-a"), true, Duration.ofMillis(-1), REMOTE), false,
                        "failbackDelay: must not be negative, was -1 ms"),
                row("shouldReportEveryProblemAtOnce",
                        role(db("(local)", "srv-a"), "main", "srv-a", "srv-a"), false,
                        "servers[0]: 'main' is the MAIN server: hosting a role on the main server requires "
                                + "control-plane failover to be configured; move the role to expansion servers or "
                                + "configure control-plane failover first",
                        "servers[2]: 'srv-a' is listed twice",
                        "database.server: '(local)' " + localAdvice,
                        "database.host: 'srv-a' is on srv-a, " + third));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void shouldValidateRoleConfigurations(RoleConfig role, boolean controlPlaneFailover, List<String> errors) {
        assertThat(RoleConfigValidator.validate(role, KNOWN, controlPlaneFailover))
                .extracting(ConfigError::toString)
                .containsExactlyElementsOf(errors);
    }

    @Test
    void shouldNameTheFieldOfEachError() {
        List<ConfigError> errors = RoleConfigValidator.validate(role(REMOTE), KNOWN, false);

        assertThat(errors).containsExactly(new ConfigError("servers", "list at least one server"));
    }

    static Stream<Arguments> hostParts() {
        return Stream.of(
                Arguments.of("DBHOST\\SQLEXPRESS", "DBHOST"),
                Arguments.of("DBHOST,1433", "DBHOST"),
                Arguments.of("tcp:DBHOST\\INST,1433", "DBHOST"),
                Arguments.of(" dbhost.corp.example ", "dbhost.corp.example"),
                Arguments.of("(local)\\SQLEXPRESS", "(local)"));
    }

    @ParameterizedTest(name = "shouldReadTheHostOf {0}")
    @MethodSource("hostParts")
    void shouldReadTheHostOfASqlServerName(String name, String host) {
        assertThat(RoleConfigValidator.hostPart(name)).isEqualTo(host);
    }
}
