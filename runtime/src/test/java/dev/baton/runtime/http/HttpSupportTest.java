package dev.baton.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpSupportTest {
    private static final String TOKEN = "s3cret-admin-token";
    private static HttpTestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = HttpTestServer.start(router -> {
            router.route("/admin/*").handler(HttpSupport.bearerToken(TOKEN));
            router.get("/admin/roles").handler(ctx -> HttpSupport.json(ctx, 200, new JsonObject().put("roles", new JsonArray())));
            router.get("/invalid").handler(ctx -> {
                throw ApiException.unprocessable("role is invalid",
                        List.of("roleId must not be blank", "replicas must be at least 1"));
            });
            router.get("/missing").handler(ctx -> ctx.fail(ApiException.notFound("no role 'r-9'")));
            router.get("/bad-argument").handler(ctx -> {
                throw new IllegalArgumentException("serverId 'a b' has characters outside [A-Za-z0-9._-]");
            });
            router.get("/crash").handler(ctx -> {
                throw new IllegalStateException("connection to db:5432 with password hunter2 lost");
            });
            router.get("/forbidden").handler(ctx -> ctx.fail(403));
            router.post("/echo").handler(ctx -> HttpSupport.json(ctx, 200, ctx.body().asJsonObject()));
        });
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static JsonObject apiError(int code, String message, String... validationErrors) {
        return new JsonObject()
                .put("code", code)
                .put("message", message)
                .put("validationErrors", new JsonArray(List.of((Object[]) validationErrors)));
    }

    private static void assertApiError(HttpResponse<Buffer> response, JsonObject expected) {
        assertThat(response.statusCode()).isEqualTo(expected.getInteger("code"));
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        JsonObject body = response.bodyAsJsonObject();
        assertThat(body.fieldNames()).containsExactlyInAnyOrder("code", "message", "validationErrors");
        assertThat(body).isEqualTo(expected);
    }

    @Test
    void shouldAnswerAnApiExceptionWithItsStatusAndValidationErrors() throws Exception {
        assertApiError(server.get("/invalid"), apiError(422, "role is invalid",
                "roleId must not be blank", "replicas must be at least 1"));
    }

    @Test
    void shouldAnswerAnApiExceptionAHandlerFailedWith() throws Exception {
        assertApiError(server.get("/missing"), apiError(404, "no role 'r-9'"));
    }

    @Test
    void shouldAnswerAnIllegalArgumentWith400AndItsMessage() throws Exception {
        assertApiError(server.get("/bad-argument"),
                apiError(400, "serverId 'a b' has characters outside [A-Za-z0-9._-]"));
    }

    @Test
    void shouldAnswerAnUnexpectedExceptionWith500WithoutLeakingItsMessage() throws Exception {
        HttpResponse<Buffer> response = server.get("/crash");

        assertApiError(response, apiError(500, "internal error: IllegalStateException"));
        assertThat(response.bodyAsString()).doesNotContain("hunter2");
    }

    @Test
    void shouldAnswerAFailureWithAStatusOnly() throws Exception {
        assertApiError(server.get("/forbidden"), apiError(403, "request failed"));
    }

    @Test
    void shouldAnswerMalformedJsonWith400() throws Exception {
        assertApiError(server.post("/echo", Buffer.buffer("{\"roleId\": ")),
                apiError(400, "request body is not valid JSON"));
    }

    @Test
    void shouldHandAValidJsonBodyToTheRoute() throws Exception {
        HttpResponse<Buffer> response = server.post("/echo", Buffer.buffer("{\"roleId\":\"r-1\",\"replicas\":2}"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("roleId", "r-1").put("replicas", 2));
    }

    @Test
    void shouldRefuseABodyAboveTheLimitWith413() throws Exception {
        Buffer tooLarge = Buffer.buffer(new byte[(int) HttpSupport.MAX_BODY_BYTES + 1]);

        assertApiError(server.post("/echo", tooLarge), apiError(413, "request body too large"));
    }

    @Test
    void shouldAnswerAnUnknownPathWith404InTheSameShape() throws Exception {
        assertApiError(server.get("/no/such/thing"), apiError(404, "no such resource: /no/such/thing"));
    }

    @Test
    void shouldAnswerAWrongMethodWith405InTheSameShape() throws Exception {
        assertApiError(server.send(server.request(HttpMethod.DELETE, "/invalid")),
                apiError(405, "method not allowed: DELETE"));
    }

    @Test
    void shouldRefuseAProtectedRouteWithoutToken() throws Exception {
        HttpResponse<Buffer> response = server.get("/admin/roles");

        assertApiError(response, apiError(401, "missing bearer token: send 'Authorization: Bearer <token>'"));
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @Test
    void shouldRefuseAProtectedRouteWithAWrongToken() throws Exception {
        HttpResponse<Buffer> response = server.send(server.request(HttpMethod.GET, "/admin/roles")
                .putHeader("Authorization", "Bearer " + TOKEN + "x"));

        assertApiError(response, apiError(401, "invalid bearer token"));
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(response.bodyAsString()).doesNotContain(TOKEN);
    }

    @Test
    void shouldRefuseAProtectedRouteWithAnotherScheme() throws Exception {
        HttpResponse<Buffer> response = server.send(server.request(HttpMethod.GET, "/admin/roles")
                .putHeader("Authorization", "Basic " + TOKEN));

        assertApiError(response, apiError(401, "invalid bearer token"));
    }

    @Test
    void shouldRefuseAPrefixOfTheToken() throws Exception {
        HttpResponse<Buffer> response = server.send(server.request(HttpMethod.GET, "/admin/roles")
                .putHeader("Authorization", "Bearer " + TOKEN.substring(0, TOKEN.length() - 1)));

        assertApiError(response, apiError(401, "invalid bearer token"));
    }

    @Test
    void shouldLetTheRightTokenThrough() throws Exception {
        HttpResponse<Buffer> response = server.send(server.request(HttpMethod.GET, "/admin/roles")
                .putHeader("Authorization", "Bearer " + TOKEN));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("roles", new JsonArray()));
    }

    @Test
    void shouldProtectOnlyTheRoutesBehindTheTokenHandler() throws Exception {
        // /invalid is outside /admin/*: it answers without a token (and with its own error).
        assertThat(server.get("/invalid").statusCode()).isEqualTo(422);
    }
}
