package dev.baton.cli.http;

import dev.baton.cli.CliException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One Baton REST API (the placement admin API or the audit API): its base URL, bearer token and the transport.
 * Every call answers the body of a 2xx answer, or throws a {@link CliException} whose one line says what went
 * wrong and how to fix it.
 *
 * @param name how messages name the API, e.g. {@code placement API}
 * @param base the URL the API paths ({@code /api/v1/...}) are appended to
 * @param token the bearer token; null sends none
 * @param urlHint where the URL comes from, for messages: {@code --api or BATON_API_URL}
 * @param tokenHint where the token comes from, for messages: {@code --token or BATON_API_TOKEN}
 */
public record ApiEndpoint(String name, URI base, String token, String urlHint, String tokenHint, ApiClient client) {
    public ApiEndpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(client, "client");
    }

    public String get(String path) {
        return send("GET", path, null);
    }

    public String post(String path, String jsonBody) {
        return send("POST", path, jsonBody);
    }

    public String put(String path, String jsonBody) {
        return send("PUT", path, jsonBody);
    }

    public String delete(String path) {
        return send("DELETE", path, null);
    }

    /** Sends one request to {@code base + path}; returns the body of a 2xx answer. */
    public String send(String method, String path, String jsonBody) {
        String root = base.toString();
        URI uri = URI.create((root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + path);
        ApiResponse response;
        try {
            response = client.send(new ApiRequest(method, uri, token, jsonBody));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for the " + name + " at " + base);
        } catch (IOException e) {
            throw new CliException(ApiErrors.unreachable(name, base, e, urlHint));
        }
        if (!response.ok()) {
            throw new CliException(ApiErrors.answered(name, response.status(), response.body(), tokenHint));
        }
        return response.body();
    }

    /** {@code value} as one URL path segment ({@code %20} for a space, {@code %2F} for a slash). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code value} as a query parameter value ({@code +} becomes {@code %2B}, as instants with offsets need). */
    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ApiEndpoint[" + name + " at " + base + (token == null ? "" : ", token ****") + "]";
    }
}
