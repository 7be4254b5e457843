package dev.baton.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The services' HTTP APIs as the run uses them: any method, any body (hostile ones included), a bounded wait. */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** One answer; {@code json} is missing when the body is not JSON. */
    record Answer(int status, String body, JsonNode json) {
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String token;

    Api(String token) {
        this.token = token;
    }

    Answer get(String url) throws IOException, InterruptedException {
        return send("GET", url, null, token);
    }

    Answer send(String method, String url, Object body) throws IOException, InterruptedException {
        return send(method, url, body == null ? null : JSON.writeValueAsString(body), token);
    }

    /** {@code rawBody} as is; {@code bearer} null sends no Authorization header. */
    Answer send(String method, String url, String rawBody, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT);
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (rawBody != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, rawBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(rawBody, StandardCharsets.UTF_8));
        HttpResponse<String> response = client.send(request.build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        return new Answer(response.statusCode(), response.body(), json == null ? MissingNode.getInstance() : json);
    }
}
