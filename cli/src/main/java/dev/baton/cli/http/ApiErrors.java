package dev.baton.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-line messages of API failures, without the {@code baton: } prefix. Pure functions of the answer or the
 * exception: every Baton REST API answers errors as {@code {"code":..,"message":..,"validationErrors":[..]}}, and
 * the line shows the message and every validation error the message does not already contain.
 */
public final class ApiErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TEXT = 300;

    private ApiErrors() {
    }

    /**
     * {@code placement API answered 422: <message>; <validation errors>}.
     *
     * @param api what answered, e.g. {@code placement API}
     * @param tokenHint where the token comes from, added to a 401, e.g. {@code --token or BATON_API_TOKEN}
     */
    public static String answered(String api, int status, String body, String tokenHint) {
        StringBuilder line = new StringBuilder(api).append(" answered ").append(status).append(": ");
        List<String> parts = errorParts(body);
        line.append(parts.isEmpty() ? describeBody(body) : String.join("; ", parts));
        if (status == 401) {
            line.append(" (check ").append(tokenHint).append(')');
        }
        return oneLine(line.toString());
    }

    /** The message and the validation errors it does not contain; empty when the body is no Baton error. */
    static List<String> errorParts(String body) {
        JsonNode error;
        try {
            error = JSON.readTree(body);
        } catch (IOException e) {
            return List.of();
        }
        if (error == null || !error.isObject() || !error.path("message").isTextual()) {
            return List.of();
        }
        String message = error.get("message").asText();
        List<String> parts = new ArrayList<>();
        parts.add(message);
        for (JsonNode item : error.path("validationErrors")) {
            String text = item.asText();
            if (!text.isBlank() && !message.contains(text) && !parts.contains(text)) {
                parts.add(text);
            }
        }
        return parts;
    }

    private static String describeBody(String body) {
        String text = body == null ? "" : body.strip();
        return text.isEmpty() ? "(no body)" : abbreviate(text);
    }

    /**
     * Why {@code api} at {@code base} gave no answer, with a hint.
     *
     * @param urlHint where the URL comes from, e.g. {@code --api or BATON_API_URL}
     */
    public static String unreachable(String api, URI base, Throwable failure, String urlHint) {
        String where = "the " + api + " at " + base;
        if (has(failure, HttpConnectTimeoutException.class)) {
            return "cannot connect to " + where + " (no answer within "
                    + JdkApiClient.CONNECT_TIMEOUT.toSeconds() + " s): is the host reachable? Set " + urlHint
                    + " to its URL";
        }
        if (has(failure, HttpTimeoutException.class)) {
            return where + " did not answer within " + JdkApiClient.REQUEST_TIMEOUT.toSeconds() + " s";
        }
        if (has(failure, UnresolvedAddressException.class) || has(failure, UnknownHostException.class)) {
            return "cannot connect to " + where + ": unknown host '" + base.getHost() + "'. Set " + urlHint
                    + " to its URL";
        }
        if (has(failure, ConnectException.class)) {
            return "cannot connect to " + where + " (connection refused): is it running? Set " + urlHint
                    + " to its URL";
        }
        return oneLine("cannot talk to " + where + ": " + failure);
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String abbreviate(String text) {
        String line = oneLine(text);
        return line.length() <= MAX_TEXT ? line : line.substring(0, MAX_TEXT) + "...";
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
