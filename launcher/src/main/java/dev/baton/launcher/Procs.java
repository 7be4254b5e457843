package dev.baton.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** What Linux's {@code /proc} says about processes and listening sockets. Every method tolerates races. */
final class Procs {
    private static final Path PROC = Path.of("/proc");

    private Procs() {
    }

    /** The command line of {@code pid}, arguments joined by spaces; empty when it is gone or a zombie. */
    static Optional<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            if (raw.length == 0) {
                return Optional.empty();
            }
            String text = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The process group of {@code pid}, from field 5 of {@code /proc/<pid>/stat}. */
    static OptionalLong processGroup(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            // The command name (field 2) is in parentheses and may contain spaces: read after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (fields[0].equals("Z")) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Long.parseLong(fields[2]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Every live process (not zombie) of process group {@code pgid}. */
    static List<Long> groupMembers(long pgid) {
        List<Long> members = new ArrayList<>();
        for (long pid : pids()) {
            OptionalLong group = processGroup(pid);
            if (group.isPresent() && group.getAsLong() == pgid) {
                members.add(pid);
            }
        }
        return members;
    }

    /** Live processes other than this one whose command line contains {@code text}. */
    static List<Long> mentioning(String text) {
        long self = ProcessHandle.current().pid();
        List<Long> found = new ArrayList<>();
        for (long pid : pids()) {
            if (pid != self && commandLine(pid).map(line -> line.contains(text)).orElse(false)) {
                found.add(pid);
            }
        }
        return found;
    }

    /** Whether {@code pid} is alive (a zombie is not). */
    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && processGroup(pid).isPresent();
    }

    /**
     * Waits until none of {@code pids} is alive (zombies count as gone), at most {@code timeout}; answers those still
     * alive. Polls {@code /proc}: these processes are not the launcher's children, so there is no exit to wait on.
     */
    static List<Long> awaitGone(List<Long> pids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Long> alive = new ArrayList<>(pids);
        while (true) {
            alive.removeIf(pid -> !alive(pid));
            if (alive.isEmpty() || System.nanoTime() > deadline) {
                return alive;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return alive;
            }
        }
    }

    /** The process listening on TCP {@code port}, as {@code pid N (command line)}, when /proc can tell. */
    static Optional<String> listenerOf(int port) {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            try {
                for (String line : Files.readAllLines(PROC.resolve("net").resolve(table), StandardCharsets.UTF_8)) {
                    String[] f = line.strip().split("\\s+");
                    // sl local_address rem_address st ... inode (field 10); st 0A is LISTEN
                    if (f.length > 9 && f[3].equals("0A") && f[1].contains(":")
                            && Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16) == port) {
                        inodes.add("socket:[" + f[9] + "]");
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or not readable: no answer
            }
        }
        if (inodes.isEmpty()) {
            return Optional.empty();
        }
        for (long pid : pids()) {
            Path fds = PROC.resolve(Long.toString(pid)).resolve("fd");
            try (DirectoryStream<Path> links = Files.newDirectoryStream(fds)) {
                for (Path link : links) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(link).toString();
                    } catch (IOException e) {
                        continue;
                    }
                    if (inodes.contains(target)) {
                        String command = commandLine(pid).orElse("?");
                        return Optional.of("pid " + pid + " (" + shorten(command) + ")");
                    }
                }
            } catch (IOException | SecurityException e) {
                // gone, or not ours to read
            }
        }
        return Optional.of("a process this user cannot see");
    }

    static String shorten(String command) {
        return command.length() <= 160 ? command : command.substring(0, 157) + "...";
    }

    private static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    pids.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to report
        }
        return pids;
    }

    static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux") && Files.isDirectory(PROC);
    }
}
