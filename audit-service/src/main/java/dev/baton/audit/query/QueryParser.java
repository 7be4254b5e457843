package dev.baton.audit.query;

import dev.baton.audit.ingest.AuditedTopics;
import dev.baton.events.Ids;
import dev.baton.events.MoveReason;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Validates the query parameters of the audit API into typed queries. Strict, like configuration: an unknown
 * parameter, a repeated one or a malformed value is refused with a message naming it, and every problem is
 * reported at once. Values that pass are ids by the rules of {@link Ids}, known type and reason names,
 * non-negative integers and instants within years 1–9999, so nothing unexpected reaches the database (where
 * they are bound parameters anyway).
 */
public final class QueryParser {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private static final Set<String> EVENT_PARAMS = Set.of("type", "role", "server", "epoch", "from", "to", "limit", "cursor");
    private static final Set<String> HISTORY_PARAMS = Set.of("type", "from", "to", "limit", "cursor");
    private static final Set<String> FAILOVER_PARAMS = Set.of("role", "reason", "from", "to", "limit", "cursor");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,18}");
    private static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");
    private static final int MAX_SHOWN = 40;

    private QueryParser() {
    }

    /** {@code GET /api/v1/events}. */
    public static EventQuery events(Map<String, List<String>> params) {
        Reader reader = new Reader(params, EVENT_PARAMS);
        EventQuery query = new EventQuery(reader.types(), reader.id("role"), reader.id("server"), reader.epoch(),
                reader.instant("from"), reader.instant("to"), reader.limit(), reader.cursor());
        reader.checkRange();
        reader.done();
        return query;
    }

    /** {@code GET /api/v1/roles/{roleId}/history}: the events of one role. */
    public static EventQuery roleHistory(String roleId, Map<String, List<String>> params) {
        Reader reader = new Reader(params, HISTORY_PARAMS);
        String role = reader.check("roleId", roleId);
        EventQuery query = new EventQuery(reader.types(), role, null, null,
                reader.instant("from"), reader.instant("to"), reader.limit(), reader.cursor());
        reader.checkRange();
        reader.done();
        return query;
    }

    /** {@code GET /api/v1/failovers}. */
    public static FailoverQuery failovers(Map<String, List<String>> params) {
        Reader reader = new Reader(params, FAILOVER_PARAMS);
        FailoverQuery query = new FailoverQuery(reader.id("role"), reader.reason(), reader.instant("from"),
                reader.instant("to"), reader.limit(), reader.cursor());
        reader.checkRange();
        reader.done();
        return query;
    }

    /** {@code value} cut to a readable length with control characters escaped, for error messages. */
    static String shown(String value) {
        String cut = value.length() <= MAX_SHOWN ? value : value.substring(0, MAX_SHOWN) + "…";
        StringBuilder out = new StringBuilder(cut.length());
        cut.chars().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }

    /** Reads one request's parameters, collecting problems. */
    private static final class Reader {
        private final Map<String, List<String>> params;
        private final List<String> problems = new ArrayList<>();
        private Instant from;
        private Instant to;

        Reader(Map<String, List<String>> params, Set<String> allowed) {
            this.params = params;
            Set<String> unknown = new TreeSet<>(params.keySet());
            unknown.removeAll(allowed);
            for (String name : unknown) {
                problems.add("unknown parameter '" + shown(name) + "'; known: " + String.join(", ", new TreeSet<>(allowed)));
            }
            params.forEach((name, values) -> {
                if (allowed.contains(name) && values.size() > 1) {
                    problems.add(name + " is given " + values.size() + " times; give it once");
                }
            });
        }

        private String value(String name) {
            List<String> values = params.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String id(String name) {
            String value = value(name);
            return value == null ? null : check(name, value);
        }

        String check(String name, String value) {
            try {
                return Ids.requireValid(name, value);
            } catch (IllegalArgumentException e) {
                problems.add(value.length() > Ids.MAX_LENGTH ? e.getMessage()
                        : name + " '" + shown(value) + "' is not a valid id: " + idProblem(e.getMessage()));
                return null;
            }
        }

        private static String idProblem(String message) {
            if (message.endsWith("is empty")) {
                return "it is empty";
            }
            return "only letters, digits, '.', '_' and '-' are allowed, at most " + Ids.MAX_LENGTH + " characters";
        }

        List<String> types() {
            String value = value("type");
            if (value == null) {
                return List.of();
            }
            List<String> types = new ArrayList<>();
            for (String type : value.split(",", -1)) {
                String name = type.trim();
                if (AuditedTopics.TYPES.contains(name)) {
                    if (!types.contains(name)) {
                        types.add(name);
                    }
                } else {
                    problems.add("unknown event type '" + shown(name) + "'; known types: "
                            + String.join(", ", AuditedTopics.TYPES));
                }
            }
            return types;
        }

        String reason() {
            String value = value("reason");
            if (value == null) {
                return null;
            }
            boolean known = Arrays.stream(MoveReason.values()).anyMatch(reason -> reason.name().equals(value));
            if (!known) {
                problems.add("unknown move reason '" + shown(value) + "'; known reasons: "
                        + String.join(", ", Arrays.stream(MoveReason.values()).map(Enum::name).toList()));
                return null;
            }
            return value;
        }

        Long epoch() {
            String value = value("epoch");
            if (value == null) {
                return null;
            }
            if (!DIGITS.matcher(value).matches()) {
                problems.add("epoch must be a non-negative integer, was '" + shown(value) + "'");
                return null;
            }
            return Long.parseLong(value);
        }

        Instant instant(String name) {
            String value = value(name);
            if (value == null) {
                return null;
            }
            Instant parsed;
            try {
                parsed = OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                problems.add(name + " must be an ISO-8601 instant with an offset, such as 2025-01-31T12:00:00Z, was '"
                        + shown(value) + "'");
                return null;
            }
            if (parsed.isBefore(MIN_INSTANT) || parsed.isAfter(MAX_INSTANT)) {
                problems.add(name + " must be within the years 1 to 9999, was '" + shown(value) + "'");
                return null;
            }
            if ("from".equals(name)) {
                from = parsed;
            } else {
                to = parsed;
            }
            return parsed;
        }

        int limit() {
            String value = value("limit");
            if (value == null) {
                return DEFAULT_LIMIT;
            }
            if (!DIGITS.matcher(value).matches() || Long.parseLong(value) < 1 || Long.parseLong(value) > MAX_LIMIT) {
                problems.add("limit must be an integer from 1 to " + MAX_LIMIT + ", was '" + shown(value) + "'");
                return DEFAULT_LIMIT;
            }
            return Integer.parseInt(value);
        }

        Cursor cursor() {
            String value = value("cursor");
            if (value == null) {
                return null;
            }
            try {
                return Cursor.decode(value);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                return null;
            }
        }

        void checkRange() {
            if (from != null && to != null && !from.isBefore(to)) {
                problems.add("from must be before to (the range is from inclusive, to exclusive)");
            }
        }

        void done() {
            if (!problems.isEmpty()) {
                throw new InvalidQueryException(problems);
            }
        }
    }
}
