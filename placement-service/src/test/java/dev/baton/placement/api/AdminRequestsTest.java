package dev.baton.placement.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.placement.api.AdminRequests.CreateRole;
import dev.baton.placement.api.AdminRequests.DatabaseFields;
import dev.baton.placement.api.AdminRequests.Failback;
import dev.baton.placement.api.AdminRequests.PluginFields;
import dev.baton.runtime.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class AdminRequestsTest {

    private static byte[] json(String text) {
        return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertBadRequest(Runnable parse) {
        return assertThatThrownBy(parse::run)
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
    }

    @Test
    void shouldParseACompleteRoleCreation() {
        CreateRole role = AdminRequests.createRole(json("""
                {'roleId': 'billing', 'servers': ['srv-a', 'srv-b'], 'forceHighestPriority': true,
                 'failbackDelayMs': 60000,
                 'database': {'server': 'DB1\\\\SQLEXPRESS', 'host': 'db1.corp.example', 'port': 1433},
                 'plugin': {'kind': 'command', 'command': ['/opt/billing/run', '--port', '{port}'],
                            'environment': {'LOG_LEVEL': 'info'}, 'port': 47001}}
                """));

        assertThat(role).isEqualTo(new CreateRole("billing", List.of("srv-a", "srv-b"), true, 60000,
                new DatabaseFields("DB1\\SQLEXPRESS", "db1.corp.example", 1433),
                new PluginFields("command", List.of("/opt/billing/run", "--port", "{port}"), Map.of("LOG_LEVEL", "info"),
                        47001L), null));
    }

    @Test
    void shouldDefaultToNoFailbackAndNoDatabaseAndTreatNullAsAbsent() {
        CreateRole role = AdminRequests.createRole(json(
                "{'roleId': 'billing', 'servers': ['srv-a'], 'database': null, 'failbackDelayMs': null}"));

        assertThat(role.forceHighestPriority()).isFalse();
        assertThat(role.failbackDelayMs()).isZero();
        assertThat(role.database()).isNull();
        assertThat(role.plugin()).isNull();
    }

    @Test
    void shouldRejectAnUnknownFieldByName() {
        assertBadRequest(() -> AdminRequests.failback(json("{'forceHighestPriority': true, 'delay': 5}")))
                .hasMessage("unknown field 'delay'; known fields: forceHighestPriority, failbackDelayMs");
    }

    @Test
    void shouldRejectAnUnknownNestedFieldWithItsPath() {
        assertBadRequest(() -> AdminRequests.createRole(json(
                "{'roleId': 'r', 'servers': ['a'], 'database': {'server': 'X', 'host': 'x', 'port': 1, 'user': 'sa'}}")))
                .hasMessageStartingWith("unknown field 'database.user'");
    }

    @Test
    void shouldRejectValuesOfTheWrongJsonTypeNamingTheField() {
        assertBadRequest(() -> AdminRequests.failback(json("{'forceHighestPriority': 1}")))
                .hasMessage("field 'forceHighestPriority' must be true or false, was the number 1");
        assertBadRequest(() -> AdminRequests.failback(json("{'forceHighestPriority': true, 'failbackDelayMs': '5'}")))
                .hasMessage("field 'failbackDelayMs' must be an integer, was the string \"5\"");
        assertBadRequest(() -> AdminRequests.failback(json("{'forceHighestPriority': true, 'failbackDelayMs': 1.5}")))
                .hasMessage("field 'failbackDelayMs' must be an integer, was the number 1.5");
        assertBadRequest(() -> AdminRequests.serverOrder(json("{'servers': ['a', 7]}")))
                .hasMessage("field 'servers[1]' must be a string, was the number 7");
        assertBadRequest(() -> AdminRequests.serverOrder(json("{'servers': 'a'}")))
                .hasMessage("field 'servers' must be an array of strings, was the string \"a\"");
        assertBadRequest(() -> AdminRequests.database(json("{'server': 'X', 'host': 'x', 'port': 99999999999999999999}")))
                .hasMessage("field 'port' is out of range, was 99999999999999999999");
    }

    @Test
    void shouldRequireRequiredFields() {
        assertBadRequest(() -> AdminRequests.maintenance(json("{}")))
                .hasMessage("field 'on' is required");
        assertBadRequest(() -> AdminRequests.move(json("{'to': null}")))
                .hasMessage("field 'to' is required");
    }

    @Test
    void shouldListEveryProblemOfABody() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> AdminRequests.createRole(json(
                "{'roleId': 5, 'servers': ['a'], 'forceHighestPriority': 'yes', 'color': 'red'}")));

        assertThat(thrown).isInstanceOf(ApiException.class);
        ApiException api = (ApiException) thrown;
        assertThat(api.status()).isEqualTo(400);
        assertThat(api.getMessage()).startsWith("request body has 3 problems: ");
        assertThat(api.validationErrors()).containsExactly(
                "field 'roleId' must be a string, was the number 5",
                "field 'forceHighestPriority' must be true or false, was the string \"yes\"",
                "unknown field 'color'; known fields: roleId, servers, forceHighestPriority, failbackDelayMs, "
                        + "database, plugin, gatewayPort, inFlight, failbackWindow");
    }

    @Test
    void shouldRejectMalformedJsonDuplicateKeysTrailingTokensAndNonObjects() {
        assertBadRequest(() -> AdminRequests.move(json("{'to': ")))
                .hasMessageStartingWith("request body is not valid JSON: ");
        assertBadRequest(() -> AdminRequests.move(json("{'to': 'a', 'to': 'b'}")))
                .hasMessageContaining("Duplicate field 'to'");
        assertBadRequest(() -> AdminRequests.move(json("{'to': 'a'} {}")))
                .hasMessageStartingWith("request body is not valid JSON: ");
        assertBadRequest(() -> AdminRequests.move(json("['a']")))
                .hasMessage("request body must be a JSON object, was an array");
        assertBadRequest(() -> AdminRequests.move(new byte[0]))
                .hasMessage("a JSON object is required as the request body");
        assertBadRequest(() -> AdminRequests.move(null))
                .hasMessage("a JSON object is required as the request body");
    }

    @Test
    void shouldKeepTheCurrentDelayWhenFailbackOmitsIt() {
        assertThat(AdminRequests.failback(json("{'forceHighestPriority': false}")))
                .isEqualTo(new Failback(false, null));
    }

    @Test
    void shouldEchoHostileFieldNamesShortAndOnOneLine() {
        Throwable forged = org.assertj.core.api.Assertions.catchThrowable(() -> AdminRequests.move(json(
                "{'to': 'a', 'x\\nINFO forged line': 1}")));
        Throwable huge = org.assertj.core.api.Assertions.catchThrowable(() -> AdminRequests.move(json(
                "{'to': 'a', '" + "x".repeat(5000) + "': 1}")));

        assertThat(forged.getMessage()).doesNotContain("\n").contains("x\\u000aINFO forged line");
        assertThat(huge.getMessage()).hasSizeLessThan(400).contains("…");
    }
}
