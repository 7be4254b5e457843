package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark's section of docs/benchmarks.md: what was run (the exact command), on what machine, with which
 * settings, each figure beside its target, and notes. {@link #write} replaces the section between its markers
 * ({@code <!-- bench:name -->} ... {@code <!-- /bench:name -->}) and leaves every other section as it is, so each
 * benchmark can be rerun alone.
 */
public final class Report {
    /** How a figure compares with its target. */
    public enum Verdict {
        MET("met"), MISSED("**missed**"), INFO("");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }
    }

    private record Figure(String metric, String value, String target, Verdict verdict) {
    }

    private final String name;
    private final String title;
    private final String command;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final List<String> blocks = new ArrayList<>();
    private final Machine machine;
    private final ZonedDateTime at;

    public Report(String name, String title, String command) {
        this(name, title, command, Machine.describe(), ZonedDateTime.now(ZoneOffset.UTC));
    }

    Report(String name, String title, String command, Machine machine, ZonedDateTime at) {
        this.name = name;
        this.title = title;
        this.command = command;
        this.machine = machine;
        this.at = at;
    }

    public Report setting(String key, Object value) {
        settings.put(key, String.valueOf(value));
        return this;
    }

    /** A figure with no target. */
    public Report figure(String metric, String value) {
        figures.add(new Figure(metric, value, "", Verdict.INFO));
        return this;
    }

    /** A figure beside its target and whether it met it. */
    public Report figure(String metric, String value, String target, boolean met) {
        figures.add(new Figure(metric, value, target, met ? Verdict.MET : Verdict.MISSED));
        return this;
    }

    /** A paragraph of markdown after the figures. */
    public Report paragraph(String markdown) {
        blocks.add(markdown.strip());
        return this;
    }

    /** A markdown table after the figures. */
    public Report table(List<String> header, List<List<String>> rows) {
        StringBuilder table = new StringBuilder();
        table.append("| ").append(String.join(" | ", header)).append(" |\n");
        table.append("|").append("---|".repeat(header.size())).append('\n');
        for (List<String> row : rows) {
            table.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        blocks.add(table.toString().strip());
        return this;
    }

    /** Whether every figure with a target met it. */
    public boolean allMet() {
        return figures.stream().noneMatch(f -> f.verdict() == Verdict.MISSED);
    }

    /** The section, markers included. */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("<!-- bench:").append(name).append(" -->\n");
        out.append("## ").append(title).append("\n\n");
        out.append("Command: `").append(command).append("`  \n");
        out.append("Run: ").append(at.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append(" on ")
                .append(machine.summary()).append("\n\n");
        if (!settings.isEmpty()) {
            out.append("Settings: ");
            List<String> parts = new ArrayList<>();
            settings.forEach((k, v) -> parts.add("`" + k + "=" + v + "`"));
            out.append(String.join(", ", parts)).append("\n\n");
        }
        if (!figures.isEmpty()) {
            out.append("| figure | measured | target | |\n|---|---|---|---|\n");
            for (Figure f : figures) {
                out.append("| ").append(f.metric()).append(" | ").append(f.value()).append(" | ").append(f.target())
                        .append(" | ").append(f.verdict().text).append(" |\n");
            }
            out.append('\n');
        }
        for (String block : blocks) {
            out.append(block).append("\n\n");
        }
        out.append("<!-- /bench:").append(name).append(" -->\n");
        return out.toString();
    }

    /**
     * Replaces this benchmark's section of {@code file} (or appends it when there is none yet); a missing file is
     * created with a heading.
     */
    public void write(Path file) {
        try {
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
                    : "# Benchmarks\n\nEvery figure below was written by the command shown with it (see the README).\n\n";
            Files.writeString(file, replaceSection(text, name, markdown()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static String replaceSection(String text, String name, String section) {
        String start = "<!-- bench:" + name + " -->";
        String end = "<!-- /bench:" + name + " -->";
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            return (text.endsWith("\n") ? text : text + "\n") + (text.endsWith("\n\n") ? "" : "\n") + section;
        }
        int after = to + end.length();
        if (after < text.length() && text.charAt(after) == '\n') {
            after++;
        }
        return text.substring(0, from) + section + text.substring(after);
    }

    /** Prints the section and writes it to {@code docs} unless that is null. */
    public void publish(Path docs) {
        System.out.println();
        System.out.println(markdown());
        if (docs != null) {
            write(docs);
            System.out.println("Written to " + docs);
        } else {
            System.out.println("(not written: --quick or --no-write)");
        }
    }
}
