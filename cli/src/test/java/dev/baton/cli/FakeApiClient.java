package dev.baton.cli;

import dev.baton.cli.http.ApiClient;
import dev.baton.cli.http.ApiRequest;
import dev.baton.cli.http.ApiResponse;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Records every request and answers from a script, in order; an empty script answers 200 with {@code {}}. */
final class FakeApiClient implements ApiClient {
    private final List<ApiRequest> requests = new ArrayList<>();
    private final Deque<Object> answers = new ArrayDeque<>();

    FakeApiClient answer(int status, String body) {
        answers.add(new ApiResponse(status, body));
        return this;
    }

    FakeApiClient fail(IOException failure) {
        answers.add(failure);
        return this;
    }

    List<ApiRequest> requests() {
        return requests;
    }

    ApiRequest only() {
        if (requests.size() != 1) {
            throw new AssertionError("expected one request, got " + requests);
        }
        return requests.get(0);
    }

    @Override
    public ApiResponse send(ApiRequest request) throws IOException {
        requests.add(request);
        Object next = answers.isEmpty() ? new ApiResponse(200, "{}") : answers.removeFirst();
        if (next instanceof IOException failure) {
            throw failure;
        }
        return (ApiResponse) next;
    }
}
