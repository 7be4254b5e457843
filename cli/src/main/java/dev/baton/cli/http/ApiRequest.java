package dev.baton.cli.http;

import java.net.URI;
import java.util.Objects;

/**
 * One API request.
 *
 * @param method {@code GET}, {@code POST}, {@code PUT} or {@code DELETE}
 * @param uri the full URL
 * @param bearerToken sent as {@code Authorization: Bearer <token>}; null sends no such header
 * @param jsonBody the JSON body; null for none
 */
public record ApiRequest(String method, URI uri, String bearerToken, String jsonBody) {
    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
    }

    @Override
    public String toString() {
        // The token is a secret: never shown, not even in a test failure.
        return method + " " + uri + (bearerToken == null ? "" : " (with bearer token)")
                + (jsonBody == null ? "" : " " + jsonBody);
    }
}
