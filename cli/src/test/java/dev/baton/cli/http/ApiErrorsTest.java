package dev.baton.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {
    private static final URI BASE = URI.create("http://placement:8081");

    @Test
    void shouldAddOnlyTheValidationErrorsTheMessageDoesNotContain() {
        String body = "{\"code\":422,\"message\":\"role billing rejected: database.server: '(local)' is a database on "
                + "the local machine\",\"validationErrors\":[\"database.server: '(local)' is a database on the local "
                + "machine\",\"servers[1]: server-z is not registered\"]}";

        assertThat(ApiErrors.answered("placement API", 422, body, "--token")).isEqualTo("placement API answered 422: "
                + "role billing rejected: database.server: '(local)' is a database on the local machine; "
                + "servers[1]: server-z is not registered");
    }

    @Test
    void shouldShowABodyThatIsNoBatonErrorOnOneLine() {
        assertThat(ApiErrors.answered("audit API", 502, "<html>\n<body>Bad gateway</body>\n</html>", "--token"))
                .isEqualTo("audit API answered 502: <html> <body>Bad gateway</body> </html>");
        assertThat(ApiErrors.answered("audit API", 503, "", "--token")).isEqualTo("audit API answered 503: (no body)");
        assertThat(ApiErrors.answered("audit API", 500, "x".repeat(400), "--token")).hasSize(327).endsWith("x...");
    }

    @Test
    void shouldNameWhereTheTokenComesFromOnA401() {
        assertThat(ApiErrors.answered("placement API", 401, "{\"code\":401,\"message\":\"missing bearer token: send "
                + "'Authorization: Bearer <token>'\",\"validationErrors\":[]}", "--token or BATON_API_TOKEN"))
                .isEqualTo("placement API answered 401: missing bearer token: send 'Authorization: Bearer <token>' "
                        + "(check --token or BATON_API_TOKEN)");
    }

    @Test
    void shouldExplainWhyThereWasNoAnswer() {
        String hint = "--api or BATON_API_URL";
        assertThat(ApiErrors.unreachable("placement API", BASE, new ConnectException(), hint))
                .isEqualTo("cannot connect to the placement API at http://placement:8081 (connection refused): is it "
                        + "running? Set --api or BATON_API_URL to its URL");
        ConnectException unresolved = new ConnectException();
        unresolved.initCause(new UnresolvedAddressException());
        assertThat(ApiErrors.unreachable("placement API", BASE, unresolved, hint))
                .isEqualTo("cannot connect to the placement API at http://placement:8081: unknown host 'placement'. "
                        + "Set --api or BATON_API_URL to its URL");
        assertThat(ApiErrors.unreachable("placement API", BASE, new HttpConnectTimeoutException("x"), hint))
                .startsWith("cannot connect to the placement API at http://placement:8081 (no answer within 5 s)");
        assertThat(ApiErrors.unreachable("placement API", BASE, new HttpTimeoutException("x"), hint))
                .isEqualTo("the placement API at http://placement:8081 did not answer within 30 s");
    }
}
