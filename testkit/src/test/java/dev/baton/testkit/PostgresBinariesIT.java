package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking the real PostgreSQL binaries into a cache folder, and what failed unpackings leave behind. */
class PostgresBinariesIT {
    @TempDir
    Path tmp;

    @Test
    void shouldUnpackIntoAnEmptyCacheAndLeaveOnlyTheCompleteFolder() throws IOException {
        Path cache = tmp.resolve("cache");
        PostgresBinaries binaries = PostgresBinaries.in(cache);

        PostgresBinaries.Prepared prepared = binaries.prepare();

        assertThat(prepared.folder()).isEqualTo(binaries.folder());
        assertThat(PostgresBinaries.isComplete(prepared.folder())).isTrue();
        assertThat(prepared.folder().resolve("lib").resolve("libicudata.so")).isSymbolicLink();
        assertThat(entries(cache)).containsExactlyInAnyOrder(".lock", prepared.folder().getFileName().toString());
    }

    @Test
    void shouldRepairAFolderThatAKilledUnpackingLeftIncomplete() throws IOException {
        Path cache = tmp.resolve("cache");
        PostgresBinaries binaries = PostgresBinaries.in(cache);
        Path folder = binaries.folder();
        // What the issue saw: lib/ and share/ unpacked, no bin/, no mark; and a private folder of a killed run.
        Files.createDirectories(folder.resolve("lib"));
        Files.createDirectories(folder.resolve("share"));
        Files.writeString(folder.resolve("lib").resolve("libicudata.so.60.2"), "half");
        Files.createSymbolicLink(folder.resolve("lib").resolve("libicudata.so"), Path.of("libicudata.so.60.2"));
        Files.createDirectories(cache.resolve(PostgresBinaries.STAGING_PREFIX + "123-456").resolve("lib"));

        binaries.prepare();

        assertThat(PostgresBinaries.isComplete(folder)).isTrue();
        assertThat(Files.size(folder.resolve("lib").resolve("libicudata.so.60.2"))).isGreaterThan(1_000_000);
        assertThat(entries(cache)).containsExactlyInAnyOrder(".lock", folder.getFileName().toString());
    }

    @Test
    void shouldLeaveNothingBehindWhenTheArchiveBreaksHalfWayAndUnpackOnTheNextStart() throws IOException {
        Path cache = tmp.resolve("cache");
        PostgresBinaries real = PostgresBinaries.in(cache);
        Path folder = real.folder();
        // Same archive key (the digest reads the whole stream), but the unpacking read fails after 4 MiB.
        int[] opened = {0};
        PostgresBinaries breaking = new PostgresBinaries(cache, PostgresBinaries.platformResource(), () -> {
            InputStream in = PostgresBinaries.class.getClassLoader()
                    .getResourceAsStream(PostgresBinaries.platformResource());
            return ++opened[0] == 1 ? in : new FailingAfter(in, 4 << 20);
        });

        assertThatThrownBy(breaking::prepare).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("Nothing half-unpacked was kept")
                .hasMessageContaining(PostgresBinaries.CACHE_ENV);
        assertThat(entries(cache)).containsExactly(".lock");

        real.prepare();
        assertThat(PostgresBinaries.isComplete(folder)).isTrue();
    }

    @Test
    void shouldUnpackOnceWhenSeveralStartsRaceForAnEmptyCache() throws Exception {
        Path cache = tmp.resolve("cache");
        List<CompletableFuture<Path>> starts = Stream.generate(() -> CompletableFuture.supplyAsync(
                () -> PostgresBinaries.in(cache).prepare().folder())).limit(3).toList();

        List<Path> folders = starts.stream().map(start -> start.orTimeout(120, TimeUnit.SECONDS).join()).toList();

        assertThat(folders).containsOnly(folders.get(0));
        assertThat(PostgresBinaries.isComplete(folders.get(0))).isTrue();
        assertThat(entries(cache)).containsExactlyInAnyOrder(".lock", folders.get(0).getFileName().toString());
    }

    @Test
    void shouldChooseTheCacheFromThePropertyThenTheEnvironmentThenTheUsersCacheFolder() {
        assertThat(PostgresBinaries.configuredCache(Map.of(PostgresBinaries.CACHE_ENV, "/env"), "/prop", "/home/u"))
                .isEqualTo(Path.of("/prop"));
        assertThat(PostgresBinaries.configuredCache(Map.of(PostgresBinaries.CACHE_ENV, "/env"), null, "/home/u"))
                .isEqualTo(Path.of("/env"));
        assertThat(PostgresBinaries.configuredCache(Map.of("XDG_CACHE_HOME", "/xdg"), " ", "/home/u"))
                .isEqualTo(Path.of("/xdg/baton/postgres"));
        assertThat(PostgresBinaries.configuredCache(Map.of(), null, "/home/u"))
                .isEqualTo(Path.of("/home/u/.cache/baton/postgres"));
    }

    private static List<String> entries(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(path -> path.getFileName().toString()).toList();
        }
    }

    /** An archive read that fails like a disk or a process dying half-way through. */
    private static final class FailingAfter extends FilterInputStream {
        private long left;

        FailingAfter(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            check(1);
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check(len);
            return super.read(b, off, len);
        }

        private void check(int wanted) throws IOException {
            left -= wanted;
            if (left < 0) {
                throw new IOException("simulated failure half-way through the archive");
            }
        }
    }
}
