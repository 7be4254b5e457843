package dev.baton.runtime.http;

import java.util.List;

/**
 * The one error body of every Baton REST endpoint: {@code {"code":422,"message":"...","validationErrors":[...]}}.
 */
public record ApiError(int code, String message, List<String> validationErrors) {
    public ApiError {
        validationErrors = validationErrors == null ? List.of() : List.copyOf(validationErrors);
    }
}
