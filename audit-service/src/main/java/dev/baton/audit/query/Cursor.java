package dev.baton.audit.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a page ended: the sort key of its last row. Sent to clients as an opaque token (Base64url of
 * {@code v1:<epochSecond>:<nano>:<uuid>}); the next page starts strictly after it, so rows are neither
 * repeated nor skipped as long as the stored data does not change between pages.
 */
public record Cursor(Instant at, UUID id) {
    private static final Pattern FORMAT = Pattern.compile("v1:(-?\\d{1,19}):(\\d{1,9}):([0-9a-f-]{36})");
    /** Longer tokens are refused before decoding: a real one is about 80 characters. */
    private static final int MAX_TOKEN_LENGTH = 200;

    public Cursor {
        if (at == null || id == null) {
            throw new IllegalArgumentException("a cursor needs an instant and an id");
        }
    }

    /** The opaque token of this cursor. */
    public String encode() {
        String plain = "v1:" + at.getEpochSecond() + ":" + at.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a token made by {@link #encode()}.
     *
     * @throws IllegalArgumentException when {@code token} is not one
     */
    public static Cursor decode(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw invalid();
        }
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        Matcher matcher = FORMAT.matcher(plain);
        if (!matcher.matches()) {
            throw invalid();
        }
        try {
            Instant at = Instant.ofEpochSecond(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)));
            UUID id = UUID.fromString(matcher.group(3));
            if (!id.toString().equals(matcher.group(3))) {
                throw invalid();
            }
            return new Cursor(at, id);
        } catch (RuntimeException e) {
            throw invalid();
        }
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException("cursor is not one this API returned; start again without it");
    }
}
