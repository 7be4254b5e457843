package dev.baton.audit.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParserTest {

    private static Map<String, List<String>> params(String... nameValues) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            params.computeIfAbsent(nameValues[i], k -> new java.util.ArrayList<>()).add(nameValues[i + 1]);
        }
        return params;
    }

    private static List<String> problems(Runnable parse) {
        try {
            parse.run();
        } catch (InvalidQueryException e) {
            return e.problems();
        }
        throw new AssertionError("expected the query to be refused");
    }

    @Test
    void shouldParseEveryEventFilter() {
        Cursor cursor = new Cursor(Instant.parse("2024-01-01T00:00:00Z"), UUID.randomUUID());
        EventQuery query = QueryParser.events(params(
                "type", "RoleMoved,ServerDown", "role", "role-1", "server", "srv.a_1", "epoch", "42",
                "from", "2024-01-01T00:00:00Z", "to", "2024-01-02T02:00:00+02:00", "limit", "1000",
                "cursor", cursor.encode()));

        assertThat(query.types()).containsExactly("RoleMoved", "ServerDown");
        assertThat(query.roleId()).isEqualTo("role-1");
        assertThat(query.serverId()).isEqualTo("srv.a_1");
        assertThat(query.epoch()).isEqualTo(42L);
        assertThat(query.from()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(query.to()).isEqualTo(Instant.parse("2024-01-02T00:00:00Z"));
        assertThat(query.limit()).isEqualTo(1000);
        assertThat(query.after()).isEqualTo(cursor);
    }

    @Test
    void shouldDefaultToTheFirstPageOfOneHundredUnfilteredEvents() {
        EventQuery query = QueryParser.events(Map.of());

        assertThat(query).isEqualTo(new EventQuery(List.of(), null, null, null, null, null, 100, null));
    }

    @Test
    void shouldRefuseUnknownParametersNamingTheKnownOnes() {
        assertThat(problems(() -> QueryParser.events(params("rol", "x"))))
                .containsExactly("unknown parameter 'rol'; known: cursor, epoch, from, limit, role, server, to, type");
    }

    @Test
    void shouldRefuseAnUnknownTypeListingTheKnownOnes() {
        assertThat(problems(() -> QueryParser.events(params("type", "Heartbeat"))))
                .singleElement().asString()
                .startsWith("unknown event type 'Heartbeat'; known types: DeadLetter, MaintenanceEnded,")
                .contains("RoleMoved")
                .doesNotContain("RoleAssignment");
    }

    @Test
    void shouldRefuseARepeatedParameter() {
        assertThat(problems(() -> QueryParser.events(params("role", "a", "role", "b"))))
                .containsExactly("role is given 2 times; give it once");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "role a", "x' OR '1'='1", "a;DROP TABLE events", "r\u0000", "ролль", "a/b", "%"})
    void shouldRefuseIdsOutsideTheIdRules(String role) {
        assertThat(problems(() -> QueryParser.events(params("role", role)))).singleElement().asString()
                .startsWith("role '");
    }

    @Test
    void shouldRefuseAHugeIdWithoutEchoingIt() {
        String huge = "a".repeat(100_000);
        assertThat(problems(() -> QueryParser.events(params("server", huge))))
                .containsExactly("server is 100000 characters long; the limit is 128");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5", "1e3", "abc", "", "9999999999999999999999", " 1"})
    void shouldRefuseAnEpochThatIsNotANonNegativeInteger(String epoch) {
        assertThat(problems(() -> QueryParser.events(params("epoch", epoch)))).singleElement().asString()
                .startsWith("epoch must be a non-negative integer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2024-01-01", "2024-01-01T00:00:00", "+12000-01-01T00:00:00Z", "0000-12-31T00:00:00Z"})
    void shouldRefuseInstantsThatAreNotIsoWithAnOffsetOrOutOfRange(String from) {
        assertThat(problems(() -> QueryParser.events(params("from", from)))).singleElement().asString()
                .startsWith("from must be");
    }

    @Test
    void shouldRefuseAnEmptyRange() {
        assertThat(problems(() -> QueryParser.events(params("from", "2024-01-02T00:00:00Z", "to", "2024-01-01T00:00:00Z"))))
                .containsExactly("from must be before to (the range is from inclusive, to exclusive)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "-5", "ten", "99999999999999999999"})
    void shouldRefuseALimitOutsideOneToOneThousand(String limit) {
        assertThat(problems(() -> QueryParser.events(params("limit", limit)))).singleElement().asString()
                .startsWith("limit must be an integer from 1 to 1000");
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        assertThat(problems(() -> QueryParser.events(params("epoch", "x", "limit", "0", "cursor", "nope", "bogus", "1"))))
                .hasSize(4);
    }

    @Test
    void shouldValidateTheRoleOfAHistoryAndRefuseFiltersThatDoNotApply() {
        assertThat(QueryParser.roleHistory("role-1", Map.of()).roleId()).isEqualTo("role-1");
        assertThat(problems(() -> QueryParser.roleHistory("role'1", Map.of()))).singleElement().asString()
                .startsWith("roleId 'role'1' is not a valid id");
        assertThat(problems(() -> QueryParser.roleHistory("role-1", params("role", "other"))))
                .singleElement().asString().startsWith("unknown parameter 'role'");
    }

    @Test
    void shouldParseFailoverFiltersWithAKnownReason() {
        FailoverQuery query = QueryParser.failovers(params("role", "r", "reason", "FAILOVER", "limit", "5"));

        assertThat(query).isEqualTo(new FailoverQuery("r", "FAILOVER", null, null, 5, null));
        assertThat(problems(() -> QueryParser.failovers(params("reason", "failover")))).singleElement().asString()
                .startsWith("unknown move reason 'failover'; known reasons: INITIAL, FAILOVER");
    }

    @Test
    void shouldShowHostileValuesShortAndOnOneLine() {
        assertThat(QueryParser.shown("a\nb\u0000" + "x".repeat(100))).startsWith("a\\u000ab\\u0000xxx").endsWith("…")
                .hasSize(41 + 10);
    }
}
