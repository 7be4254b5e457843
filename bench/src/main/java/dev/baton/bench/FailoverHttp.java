package dev.baton.bench;

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

/** A small JSON client of the services' HTTP APIs, with the bearer token. */
final class FailoverHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status, body, and the body as JSON (missing when it is not JSON). */
    record Answer(int status, String body, JsonNode json) {
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String token;

    FailoverHttp(String token) {
        this.token = token;
    }

    Answer get(String url) throws IOException, InterruptedException {
        return send(request(url).GET().build());
    }

    Answer post(String url, Object body) throws IOException, InterruptedException {
        return send(request(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8))
                .build());
    }

    private HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
            if (json == null) {
                json = MissingNode.getInstance();
            }
        } catch (IOException e) {
            json = MissingNode.getInstance();
        }
        return new Answer(response.statusCode(), response.body(), json);
    }
}
