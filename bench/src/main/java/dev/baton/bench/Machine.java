package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What a result was measured on: CPU, cores, memory, kernel, JVM, and the load when the run started. */
public record Machine(String cpu, int cores, long memoryMiB, String kernel, String jvm, String loadAverage) {

    public static Machine describe() {
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), totalMemoryMiB(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                firstFields(Path.of("/proc/loadavg"), 3));
    }

    public String summary() {
        return cores + " cores (" + cpu + "), " + memoryMiB + " MiB, " + kernel + ", " + jvm
                + ", load average " + loadAverage + " at start";
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            return lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static long totalMemoryMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory() / (1024 * 1024);
    }

    private static String firstFields(Path file, int count) {
        try {
            String[] fields = Files.readString(file).strip().split("\\s+");
            return String.join(" ", Arrays.copyOf(fields, Math.min(count, fields.length)));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
