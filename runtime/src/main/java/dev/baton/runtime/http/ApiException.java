package dev.baton.runtime.http;

import java.util.List;

/** Thrown (or failed with) by a handler to answer with an {@link ApiError} of the given status. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final List<String> validationErrors;

    public ApiException(int status, String message, List<String> validationErrors) {
        super(message);
        this.status = status;
        this.validationErrors = List.copyOf(validationErrors);
    }

    public ApiException(int status, String message) {
        this(status, message, List.of());
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException unprocessable(String message, List<String> validationErrors) {
        return new ApiException(422, message, validationErrors);
    }

    public int status() {
        return status;
    }

    public List<String> validationErrors() {
        return validationErrors;
    }

    public ApiError toError() {
        return new ApiError(status, getMessage(), validationErrors);
    }
}
