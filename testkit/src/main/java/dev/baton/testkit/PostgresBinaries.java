package dev.baton.testkit;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL binaries that {@link EmbeddedPostgresServer} runs, unpacked once into a cache folder that survives
 * the temp directory being cleaned and is shared by the local run and the tests.
 *
 * <p>Where: {@code -Dbaton.postgres.cache}, else {@code BATON_POSTGRES_CACHE}, else
 * {@code $XDG_CACHE_HOME/baton/postgres}, else {@code ~/.cache/baton/postgres}. A per-user cache, not the temp
 * directory: it is not wiped by a reboot or a tmp cleaner, and not by {@code git clean} either.
 *
 * <p>How, so that a failed unpacking never poisons a later start (out of memory, disk full, the process killed): the
 * archive is streamed (about 10 MiB of heap whatever its size) into a private {@code .unpacking-*} folder, which is
 * renamed into place as {@code PG-<key>} only once complete and marked. Unpacking happens under a file lock, so two
 * JVMs starting at once unpack once. A {@code PG-<key>} folder without the mark (left by an older layout or by hand)
 * is removed and unpacked again; stale {@code .unpacking-*} folders are removed under the lock.
 *
 * <p>zonky's {@code EmbeddedPostgres} then only runs the binaries: it is handed {@link Prepared#resolver()}, whose
 * content names the unpacked folder, so it finds the folder ready ({@value #COMPLETE_MARK} newest in it) and never
 * unpacks anything itself (its own unpacking holds the whole archive and every file in memory at once).
 */
public final class PostgresBinaries {
    /** System property naming the cache folder. */
    public static final String CACHE_PROPERTY = "baton.postgres.cache";
    /** Environment variable naming the cache folder (when the property is not set). */
    public static final String CACHE_ENV = "BATON_POSTGRES_CACHE";
    /** zonky's mark of a complete folder; written last, so it is the newest entry. */
    static final String COMPLETE_MARK = ".exists";
    static final String STAGING_PREFIX = ".unpacking-";
    private static final String LOCK_FILE = ".lock";
    private static final List<String> REQUIRED = List.of("bin/initdb", "bin/pg_ctl", "bin/postgres");
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    /** A file lock is held per JVM, not per thread: threads of one JVM queue here first. */
    private static final ReentrantLock IN_JVM = new ReentrantLock();

    private final Path cache;
    private final String resource;
    private final Archive archive;

    /** Where the archive's bytes come from: the classpath, or a test's stand-in. */
    @FunctionalInterface
    interface Archive {
        InputStream open() throws IOException;
    }

    PostgresBinaries(Path cache, String resource, Archive archive) {
        this.cache = cache.toAbsolutePath().normalize();
        this.resource = resource;
        this.archive = archive;
    }

    PostgresBinaries(Path cache, String resource) {
        this(cache, resource, null);
    }

    /** The binaries of this platform in the configured cache folder (see the class comment). */
    public static PostgresBinaries configured() {
        return new PostgresBinaries(configuredCache(System.getenv(), System.getProperty(CACHE_PROPERTY),
                System.getProperty("user.home")), platformResource());
    }

    /** The binaries of this platform in {@code cache}. */
    public static PostgresBinaries in(Path cache) {
        return new PostgresBinaries(cache, platformResource());
    }

    /** The cache folder from the property, the environment or the defaults, in that order. */
    static Path configuredCache(Map<String, String> env, String property, String userHome) {
        if (property != null && !property.isBlank()) {
            return Path.of(property.strip());
        }
        String fromEnv = env.get(CACHE_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv.strip());
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(userHome, ".cache");
        return base.resolve("baton").resolve("postgres");
    }

    /** zonky's name of the archive for this platform, e.g. {@code postgres-linux-x86_64.txz}. */
    static String platformResource() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String system = os.contains("mac") || os.contains("darwin") ? "darwin" : os.contains("win") ? "windows"
                : "linux";
        String arch = switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> System.getProperty("os.arch", "unknown");
        };
        return "postgres-" + system + "-" + arch + ".txz";
    }

    public Path cache() {
        return cache;
    }

    /**
     * The unpacked binaries, unpacking them first when the cache has no complete copy.
     *
     * @throws UncheckedIOException when they cannot be unpacked, with what to do in its message; nothing half-done
     *     is left behind
     */
    public Prepared prepare() {
        try {
            byte[] resolverContent = resolverContent(key());
            Path folder = folder(resolverContent);
            if (!isComplete(folder)) {
                unpackUnderLock(folder);
            }
            PgBinaryResolver resolver = (system, machine) -> new ByteArrayInputStream(resolverContent);
            return new Prepared(folder, resolver);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack the PostgreSQL binaries into " + cache + ": " + e
                    + ". Nothing half-unpacked was kept; free disk space, or choose another folder with -D"
                    + CACHE_PROPERTY + " or " + CACHE_ENV, e);
        }
    }

    /**
     * Unpacked binaries and the resolver to hand zonky's builder, with {@link #cache()} as its working directory.
     *
     * @param folder the {@code PG-<key>} folder holding {@code bin/}, {@code lib/} and {@code share/}
     */
    public record Prepared(Path folder, PgBinaryResolver resolver) {
    }

    /** The folder the binaries are (or will be) unpacked into, {@code PG-<key>} in the cache. */
    public Path folder() {
        try {
            return folder(resolverContent(key()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the PostgreSQL binaries (" + resource + "): " + e, e);
        }
    }

    private Path folder(byte[] resolverContent) {
        return cache.resolve("PG-" + md5Hex(resolverContent));
    }

    /** Whether {@code folder} holds a complete copy: the mark and the programs zonky runs. */
    public static boolean isComplete(Path folder) {
        return Files.isRegularFile(folder.resolve(COMPLETE_MARK))
                && REQUIRED.stream().allMatch(program -> Files.isExecutable(folder.resolve(program)));
    }

    private void unpackUnderLock(Path folder) throws IOException {
        Files.createDirectories(cache);
        IN_JVM.lock();
        try (FileChannel channel = FileChannel.open(cache.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.lock();
            try {
                if (!isComplete(folder)) { // else another process unpacked them while this one waited for the lock
                    removeLeftovers(folder);
                    unpack(folder);
                }
            } finally {
                lock.release();
            }
        } finally {
            IN_JVM.unlock();
        }
    }

    private void unpack(Path folder) throws IOException {
        Path staging = cache.resolve(STAGING_PREFIX + ProcessHandle.current().pid() + "-" + System.nanoTime());
        long started = System.nanoTime();
        LOG.info("Unpacking the PostgreSQL binaries ({}) into {}", resource, folder);
        try {
            Files.createDirectories(staging);
            long bytes = extract(staging);
            Path mark = staging.resolve(COMPLETE_MARK);
            Files.createFile(mark);
            Files.setLastModifiedTime(mark, FileTime.fromMillis(System.currentTimeMillis() + 1000));
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("PostgreSQL binaries unpacked ({} MiB) in {} ms", bytes >> 20,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(staging);
            throw e;
        }
    }

    /** Under the lock: an incomplete {@code folder} and every staging folder are what failed starts left. */
    private void removeLeftovers(Path folder) throws IOException {
        if (Files.exists(folder)) {
            LOG.warn("{} is incomplete (a start that failed while unpacking left it); removing it", folder);
            deleteRecursively(folder);
        }
        try (Stream<Path> entries = Files.list(cache)) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().startsWith(STAGING_PREFIX)).toList()) {
                LOG.warn("Removing {}, left by an unpacking that did not finish", entry);
                deleteRecursively(entry);
            }
        }
    }

    /** Streams the archive into {@code target}; answers the bytes written. */
    private long extract(Path target) throws IOException {
        long bytes = 0;
        try (InputStream raw = open(); XZInputStream xz = new XZInputStream(new BufferedInputStream(raw, 1 << 16));
             TarArchiveInputStream tar = new TarArchiveInputStream(xz)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("archive entry " + entry.getName() + " points outside its folder");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(path, target.resolve(entry.getLinkName()).normalize());
                } else if (entry.isFile()) {
                    bytes += Files.copy(tar, path);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
        return bytes;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < bits.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(bits[bit]);
            }
        }
        return permissions;
    }

    private InputStream open() throws IOException {
        if (archive != null) {
            return archive.open();
        }
        ClassLoader loader = PostgresBinaries.class.getClassLoader();
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("no PostgreSQL binaries for this platform on the classpath (" + resource
                    + "): add the io.zonky.test.postgres binaries of this platform");
        }
        return in;
    }

    /** The archive's MD5 (a streamed read): a new binaries version gets a folder of its own. */
    private String key() throws IOException {
        MessageDigest md5 = md5();
        try (InputStream in = new DigestInputStream(open(), md5)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    /**
     * What the resolver handed to zonky answers instead of the archive. zonky names the folder it runs from
     * {@code PG-<MD5 of what the resolver answers>}; this folder is the one unpacked here.
     */
    private static byte[] resolverContent(String archiveKey) {
        return ("baton-postgres-binaries " + archiveKey).getBytes(StandardCharsets.UTF_8);
    }

    private static String md5Hex(byte[] content) {
        return HexFormat.of().formatHex(md5().digest(content));
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}; the next start removes it", path, e.toString());
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
