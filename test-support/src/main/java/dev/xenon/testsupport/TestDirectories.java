package dev.xenon.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Temporary directories for tests, traversable by other users ({@code 0755}) so that a Postgres
 * run as another OS user (when tests run as root) can reach directories created inside them.
 *
 * <p>A test's directory stays after it ends, for whoever looks into a failure: clusters of nodes
 * keep only their logs ({@link #deleteAllButLogs}), other tests what they left. So that they do
 * not pile up run after run (a WAL node preallocates 16 MiB segments), the first directory a JVM
 * creates first deletes the test directories older than {@link #KEEP} — only those this class
 * made, told by the {@value #MARKER} file inside. {@code XENON_KEEP_TEST_DIRS=1} keeps everything.
 */
public final class TestDirectories {

    /** How long a test directory is kept after it was made. */
    static final Duration KEEP = Duration.ofHours(3);

    static final String MARKER = ".xenon-test-directory";

    private static final AtomicBoolean PRUNED = new AtomicBoolean();

    private TestDirectories() {}

    public static Path create(String prefix) {
        if (PRUNED.compareAndSet(false, true) && !keepEverything()) {
            pruneOlderThan(
                    Path.of(System.getProperty("java.io.tmpdir")), Instant.now().minus(KEEP));
        }
        try {
            Path dir = Files.createTempDirectory(
                    "xenon-" + prefix + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.createFile(dir.resolve(MARKER));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the test directories under {@code parent} made before {@code cutoff}; returns how many. */
    static int pruneOlderThan(Path parent, Instant cutoff) {
        int deleted = 0;
        try (Stream<Path> children = Files.list(parent)) {
            for (Path dir : (Iterable<Path>) children::iterator) {
                Path marker = dir.resolve(MARKER);
                try {
                    if (dir.getFileName().toString().startsWith("xenon-")
                            && Files.isRegularFile(marker)
                            && Files.getLastModifiedTime(marker).toInstant().isBefore(cutoff)) {
                        deleteRecursively(dir);
                        deleted++;
                    }
                } catch (IOException | UncheckedIOException e) {
                    // another user's, or going away: leave it
                }
            }
        } catch (IOException e) {
            return deleted;
        }
        if (deleted > 0) {
            System.err.println("[test-support] deleted " + deleted + " test directories older than " + KEEP + " under "
                    + parent + " (XENON_KEEP_TEST_DIRS=1 keeps them)");
        }
        return deleted;
    }

    /**
     * Deletes everything under {@code dir} but {@code *.log} files (and the folders holding them):
     * what a finished cluster of nodes leaves for a reader, without its gigabytes of WAL and layers.
     * {@code XENON_KEEP_TEST_DIRS=1} keeps everything.
     */
    public static void deleteAllButLogs(Path dir) {
        if (dir == null || !Files.exists(dir) || keepEverything()) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String name = file.getFileName().toString();
                    if (!name.endsWith(".log") && !name.equals(MARKER)) {
                        Files.deleteIfExists(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // a process just stopped removed it
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (!d.equals(dir)) {
                        try (var left = Files.list(d)) {
                            if (left.findAny().isEmpty()) {
                                Files.delete(d);
                            }
                        } catch (NoSuchFileException | DirectoryNotEmptyException e) {
                            // gone already, or a stopping process wrote into it: leave it to the pruning
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }

    /** {@code XENON_KEEP_TEST_DIRS} set: nothing is pruned or cleaned. */
    private static boolean keepEverything() {
        return System.getenv("XENON_KEEP_TEST_DIRS") != null;
    }

    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
