package dev.baton.cli.http;

/**
 * One API answer.
 *
 * @param status the HTTP status
 * @param body the body as text, empty when there was none
 */
public record ApiResponse(int status, String body) {
    public ApiResponse {
        body = body == null ? "" : body;
    }

    /** Whether the status is 2xx. */
    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
