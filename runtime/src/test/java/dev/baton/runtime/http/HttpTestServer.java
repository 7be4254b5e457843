package dev.baton.runtime.http;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** A Vert.x HTTP server on a free port with the routes a test sets up, and a client that waits for answers. */
final class HttpTestServer {
    private final Vertx vertx;
    private final WebClient client;
    private final int port;

    private HttpTestServer(Vertx vertx, WebClient client, int port) {
        this.vertx = vertx;
        this.client = client;
        this.port = port;
    }

    /** Starts a server whose router has the shared error handling installed, then {@code routes}. */
    static HttpTestServer start(Consumer<Router> routes) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            HttpSupport.installErrorHandling(router);
            routes.accept(router);
            int port = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
            return new HttpTestServer(vertx, WebClient.create(vertx), port);
        } catch (Exception | Error e) {
            vertx.close();
            throw e;
        }
    }

    HttpRequest<Buffer> request(HttpMethod method, String path) {
        return client.request(method, port, "127.0.0.1", path);
    }

    HttpResponse<Buffer> get(String path) throws Exception {
        return await(request(HttpMethod.GET, path).send());
    }

    HttpResponse<Buffer> send(HttpRequest<Buffer> request) throws Exception {
        return await(request.send());
    }

    HttpResponse<Buffer> post(String path, Buffer body) throws Exception {
        return await(request(HttpMethod.POST, path).putHeader("Content-Type", "application/json").sendBuffer(body));
    }

    /** The result of {@code future}, waiting at most 10 seconds. */
    static <T> T await(Future<T> future) throws InterruptedException, ExecutionException, TimeoutException {
        return future.toCompletionStage().toCompletableFuture().get(10, SECONDS);
    }

    /** Closes the client and Vert.x, waiting for both. */
    void stop() throws Exception {
        client.close();
        await(vertx.close());
    }
}
