package dev.baton.cli.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** {@link ApiClient} over the JDK's {@link HttpClient}. */
public final class JdkApiClient implements ApiClient {
    /** How long the CLI waits for a connection before saying the API cannot be reached. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long it waits for an answer; a manual move waits for the placement loop, a few seconds at most. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;

    public JdkApiClient() {
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public ApiResponse send(ApiRequest request) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri())
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (request.bearerToken() != null) {
            builder.header("Authorization", "Bearer " + request.bearerToken());
        }
        if (request.jsonBody() != null) {
            builder.header("Content-Type", "application/json")
                    .method(request.method(), HttpRequest.BodyPublishers.ofString(request.jsonBody(), StandardCharsets.UTF_8));
        } else {
            builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new ApiResponse(response.statusCode(), response.body());
    }
}
