package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    private static final Machine MACHINE = new Machine("Test CPU", 2, 24_000, "Linux 6", "OpenJDK 17", "0.10 0.20 0.30");
    private static final ZonedDateTime AT = ZonedDateTime.of(2026, 11, 25, 12, 0, 0, 0, ZoneOffset.UTC);

    private static Report report(String name, String value) {
        return new Report(name, "Title " + name, "bench/run " + name, MACHINE, AT)
                .setting("trials", 30)
                .figure("p50", value, "≤ 500 ms", value.startsWith("4"));
    }

    @Test
    void shouldRenderCommandMachineSettingsAndVerdicts() {
        String markdown = report("failover", "420 ms").figure("p99", "1200 ms", "≤ 1 s", false).markdown();

        assertThat(markdown).startsWith("<!-- bench:failover -->\n## Title failover\n")
                .contains("Command: `bench/run failover`")
                .contains("2 cores (Test CPU), 24000 MiB, Linux 6, OpenJDK 17, load average 0.10 0.20 0.30 at start")
                .contains("`trials=30`")
                .contains("| p50 | 420 ms | ≤ 500 ms | met |")
                .contains("| p99 | 1200 ms | ≤ 1 s | **missed** |")
                .endsWith("<!-- /bench:failover -->\n");
    }

    @Test
    void shouldTellWhetherEveryTargetWasMet() {
        assertThat(report("a", "420 ms").allMet()).isTrue();
        assertThat(report("a", "620 ms").allMet()).isFalse();
    }

    @Test
    void shouldReplaceOnlyItsOwnSection(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        report("failover", "420 ms").write(file);
        report("gateway", "410 ms").write(file);
        report("failover", "480 ms").write(file);

        String text = Files.readString(file);
        assertThat(text).startsWith("# Benchmarks\n");
        assertThat(text).contains("| p50 | 480 ms |").doesNotContain("| p50 | 420 ms |").contains("| p50 | 410 ms |");
        assertThat(text.indexOf("bench:failover")).as("the rewritten section keeps its place")
                .isLessThan(text.indexOf("bench:gateway"));
        assertThat(text.split("<!-- bench:failover -->", -1)).hasSize(2);
    }

    @Test
    void shouldKeepHandWrittenTextAroundSections() {
        String text = "# Benchmarks\n\nIntro.\n\n<!-- bench:x -->\nold\n<!-- /bench:x -->\n\nClosing words.\n";
        String replaced = Report.replaceSection(text, "x", "<!-- bench:x -->\nnew\n<!-- /bench:x -->\n");
        assertThat(replaced).isEqualTo("# Benchmarks\n\nIntro.\n\n<!-- bench:x -->\nnew\n<!-- /bench:x -->\n\nClosing words.\n");
    }

    @Test
    void shouldRenderTables() {
        String markdown = new Report("t", "T", "cmd", MACHINE, AT)
                .table(List.of("trial", "ms"), List.of(List.of("1", "400"), List.of("2", "450"))).markdown();
        assertThat(markdown).contains("| trial | ms |\n|---|---|\n| 1 | 400 |\n| 2 | 450 |");
    }
}
