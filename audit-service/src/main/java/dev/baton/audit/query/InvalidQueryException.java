package dev.baton.audit.query;

import java.util.List;

/** Query parameters that cannot be answered; {@link #problems()} says what is wrong with each, one per line. */
public final class InvalidQueryException extends RuntimeException {
    private final List<String> problems;

    public InvalidQueryException(List<String> problems) {
        super("invalid query parameters: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
