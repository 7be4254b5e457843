package dev.baton.cli.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table: a header row and data rows, columns separated by two spaces and left-aligned, the last
 * column not padded. An absent value ({@code null} or blank) shows as {@code -}. Line breaks inside a value become
 * spaces, so every row is one line.
 */
public final class Table {
    static final String ABSENT = "-";

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    private Table(List<String> headers) {
        this.headers = List.copyOf(headers);
    }

    public static Table of(String... headers) {
        return new Table(Arrays.asList(headers));
    }

    /** Adds a row of as many values as there are headers; values are shown with {@code String.valueOf}. */
    public Table row(Object... values) {
        if (values.length != headers.size()) {
            throw new IllegalArgumentException("a row needs " + headers.size() + " values, got " + values.length);
        }
        List<String> row = new ArrayList<>();
        for (Object value : values) {
            row.add(cell(value));
        }
        rows.add(row);
        return this;
    }

    public int size() {
        return rows.size();
    }

    static String cell(Object value) {
        if (value == null) {
            return ABSENT;
        }
        String text = String.valueOf(value).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return text.isEmpty() ? ABSENT : text;
    }

    /** The table, one line per row after the header, each ending with a line break. */
    public String render() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, widths);
        rows.forEach(row -> line(out, row, widths));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            line.append(cell);
            if (i < cells.size() - 1) {
                line.append(" ".repeat(widths[i] - cell.length() + 2));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
