package dev.baton.placement.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConsoleRoutesTest {
    private static Vertx vertx;
    private static HttpServer server;
    private static WebClient client;

    @BeforeAll
    static void serve() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        ConsoleRoutes.mount(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private static HttpResponse<Buffer> get(String path) throws Exception {
        return client.get(server.actualPort(), "127.0.0.1", path).send()
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldServeThePagesAndSendTheRootToThem() throws Exception {
        HttpResponse<Buffer> index = get("/console/");
        HttpResponse<Buffer> script = get("/console/console.js");
        HttpResponse<Buffer> root = get("/");

        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.bodyAsString()).contains("<title>Baton console</title>");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.getHeader("Content-Type")).startsWith("text/javascript");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.getHeader("Location")).isEqualTo("/console/");
        assertThat(get("/console/../openapi.yaml").statusCode()).isNotEqualTo(200);
    }
}
