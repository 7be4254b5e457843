package dev.baton.cli.format;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small text conversions shared by the formats and the command options: instants, durations. */
public final class Texts {
    /** Instants print in UTC with milliseconds, always the same width: {@code 2026-11-25T10:01:02.345Z}. */
    private static final DateTimeFormatter INSTANT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|min|h)");

    private Texts() {
    }

    /** {@code 2026-11-25T10:01:02.345Z}; null for null. */
    public static String instant(Instant instant) {
        return instant == null ? null : INSTANT.format(instant);
    }

    /** An ISO-8601 instant from an API answer in the CLI's format; the text itself when it does not parse. */
    public static String instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return instant(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    /** {@code 812 ms}, {@code 30 s}, {@code 2 min}, {@code 1 h}: the largest unit that divides the value. */
    public static String millis(long millis) {
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + " h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        if (millis != 0 && millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        return millis + " ms";
    }

    /**
     * Parses {@code 250ms}, {@code 30s}, {@code 2m} (or {@code 2min}), {@code 1h}, {@code 0}, or ISO-8601
     * ({@code PT30S}).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Duration duration(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        Matcher matcher = DURATION.matcher(value);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m", "min" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        if (value.startsWith("pt") || value.startsWith("p")) {
            try {
                Duration parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (DateTimeParseException e) {
                // reported below with the accepted forms
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 250ms, 30s, 2m or 1h");
    }
}
