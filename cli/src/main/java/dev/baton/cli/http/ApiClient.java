package dev.baton.cli.http;

import java.io.IOException;

/**
 * The one transport the CLI sends API requests through. The real one is {@link JdkApiClient}; tests hand the
 * commands a fake that records requests and answers from a script, so they need no server.
 */
@FunctionalInterface
public interface ApiClient {
    /**
     * Sends {@code request} and returns the answer, whatever its status.
     *
     * @throws IOException when no answer arrives: connection refused, unknown host, time-out
     */
    ApiResponse send(ApiRequest request) throws IOException, InterruptedException;
}
