package dev.xenon.common.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Materialises a Postgres data directory from a tar archive, such as the base archive of {@code
 * BASE_BACKUP} or {@code pg_basebackup -Ft}, and hands it to the {@link PostgresOsUser}.
 *
 * <p>Streaming: each entry is written while it is read; nothing but a copy buffer is held, and the
 * tar stream is read only up to the archive's end-of-archive blocks (it is not closed).
 *
 * <p>What it writes: directories with mode {@code 0700} (Postgres refuses to start on a data
 * directory others can read), regular files with {@code 0600}, symbolic links as the archive gives
 * them (tablespace links in {@code pg_tblspc/}). Modes, owners and times in the archive are ignored.
 * Missing parent directories are created. Nothing is fsynced: Postgres syncs the whole data
 * directory itself when it starts on one that was not shut down cleanly, which a base backup never
 * is ({@code StartupXLOG}, {@code SyncDataDirectory}).
 *
 * <p>What it refuses, with a {@link TarEntryRejectedException} before writing that entry: absolute
 * names, names with a {@code ..} segment, names that lead through a symbolic link of the archive,
 * entries that exist already, and hard links, devices and FIFOs. Names may start with {@code ./}.
 *
 * <p>Order of work: extract into {@code dataDir} (absent or an empty directory), then the caller's
 * {@link BeforeHandOver} step, then every file below {@code dataDir} goes to the Postgres OS user
 * ({@link PostgresOsUser#prepareDirectory}). The extra step exists so that callers can add files a
 * start needs, WAL segments in {@code pg_wal/} or a {@code pg_hba.conf}, and have them handed over
 * with the rest; files it writes keep the modes it gives them. After a failure, what was written
 * stays: the caller deletes the directory.
 *
 * <p>Thread-safety: immutable; concurrent calls must use different data directories.
 */
public final class DataDirectoryExtractor {

    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /**
     * What an extraction wrote (not counting files of the {@link BeforeHandOver} step).
     *
     * @param files regular files
     * @param directories directories below the data directory
     * @param symlinks symbolic links
     * @param bytes bytes in regular files
     */
    public record Stats(int files, int directories, int symlinks, long bytes) {}

    /** A step between extraction and hand-over, e.g. writing WAL segments into {@code pg_wal/}. */
    @FunctionalInterface
    public interface BeforeHandOver {
        void prepare(Path dataDir) throws IOException;
    }

    private final PostgresOsUser osUser;

    public DataDirectoryExtractor(PostgresOsUser osUser) {
        this.osUser = Objects.requireNonNull(osUser, "osUser");
    }

    /** Extracts {@code tar} into {@code dataDir} and hands it to the Postgres OS user. */
    public Stats extract(InputStream tar, Path dataDir) throws IOException {
        return extract(tar, dataDir, dir -> {});
    }

    /**
     * Extracts {@code tar} into {@code dataDir}, runs {@code beforeHandOver}, and hands everything
     * below {@code dataDir} to the Postgres OS user.
     *
     * @param tar an uncompressed tar stream; read to its end-of-archive blocks, not closed
     * @param dataDir the data directory to create; if it exists, it must be an empty directory
     * @throws TarEntryRejectedException for an entry that must not be written (see the class comment)
     * @throws FileAlreadyExistsException when {@code dataDir} exists and is not an empty directory
     * @throws IOException when the archive is malformed or truncated, or writing fails
     */
    public Stats extract(InputStream tar, Path dataDir, BeforeHandOver beforeHandOver) throws IOException {
        Objects.requireNonNull(tar, "tar");
        Objects.requireNonNull(beforeHandOver, "beforeHandOver");
        Path root = createDataDirectory(dataDir.toAbsolutePath().normalize());
        Stats stats = new Extraction(root).run(tar);
        beforeHandOver.prepare(root);
        osUser.prepareDirectory(root);
        return stats;
    }

    private static Path createDataDirectory(Path dir) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(dir.toString(), null, "not a directory");
            }
            try (Stream<Path> children = Files.list(dir)) {
                if (children.findAny().isPresent()) {
                    throw new FileAlreadyExistsException(
                            dir.toString(), null, "the data directory to extract into is not empty");
                }
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            return dir;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.createDirectory(dir, DIRECTORY_MODE);
    }

    /** One run over one archive. */
    private static final class Extraction {
        private final Path root;
        private final Set<Path> symlinks = new HashSet<>();
        private int files;
        private int directories;
        private int links;
        private long bytes;

        Extraction(Path root) {
            this.root = root;
        }

        Stats run(InputStream tar) throws IOException {
            // Not closed: that would close the caller's stream.
            TarArchiveInputStream entries = new TarArchiveInputStream(tar, StandardCharsets.UTF_8.name());
            for (TarArchiveEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                write(entries, entry);
            }
            return new Stats(files, directories, links, bytes);
        }

        private void write(TarArchiveInputStream entries, TarArchiveEntry entry) throws IOException {
            Path relative = relativePath(entry.getName());
            if (relative == null) {
                return; // the archive's root, "./"
            }
            Path target = root.resolve(relative);
            if (entry.isSymbolicLink()) {
                createParents(entry, relative);
                createNew(entry, () -> Files.createSymbolicLink(target, Path.of(entry.getLinkName())));
                symlinks.add(relative);
                links++;
            } else if (entry.isDirectory()) {
                createParents(entry, relative);
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    return; // created as a parent of an earlier entry
                }
                createNew(entry, () -> Files.createDirectory(target, DIRECTORY_MODE));
                directories++;
            } else if (entry.isLink()) {
                throw new TarEntryRejectedException(entry.getName(), "hard links are not supported");
            } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                throw new TarEntryRejectedException(
                        entry.getName(), "devices and FIFOs do not belong in a data directory");
            } else if (entry.isFile()) {
                createParents(entry, relative);
                FileChannel channel = createNew(
                        entry,
                        () -> FileChannel.open(
                                target,
                                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                                FILE_MODE));
                try (OutputStream out = Channels.newOutputStream(channel)) {
                    bytes += entries.transferTo(out);
                }
                files++;
            } else {
                throw new TarEntryRejectedException(
                        entry.getName(), "unsupported entry type '" + (char) entry.getLinkFlag() + "'");
            }
        }

        /**
         * The entry's path relative to the root, or null for the root itself.
         *
         * @throws TarEntryRejectedException for an absolute name, a {@code ..} segment, or a path
         *     through one of the archive's symbolic links
         */
        private Path relativePath(String name) throws TarEntryRejectedException {
            if (name.startsWith("/")) {
                throw new TarEntryRejectedException(name, "absolute paths are not allowed");
            }
            Path relative = null;
            for (String segment : name.split("/")) {
                if (segment.isEmpty() || segment.equals(".")) {
                    continue;
                }
                if (segment.equals("..")) {
                    throw new TarEntryRejectedException(name, "'..' would leave the data directory");
                }
                if (relative != null && symlinks.contains(relative)) {
                    throw new TarEntryRejectedException(name, "it leads through the symbolic link " + relative);
                }
                relative = relative == null ? Path.of(segment) : relative.resolve(segment);
            }
            if (relative != null && !root.resolve(relative).normalize().startsWith(root)) {
                throw new TarEntryRejectedException(name, "it would leave the data directory");
            }
            return relative;
        }

        private void createParents(TarArchiveEntry entry, Path relative) throws IOException {
            Path parent = relative.getParent();
            if (parent == null) {
                return;
            }
            Path dir = root;
            for (Path segment : parent) {
                dir = dir.resolve(segment);
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Path created = dir;
                createNew(entry, () -> Files.createDirectory(created, DIRECTORY_MODE));
                directories++;
            }
        }

        private static <T> T createNew(TarArchiveEntry entry, Creation<T> creation) throws IOException {
            try {
                return creation.create();
            } catch (FileAlreadyExistsException e) {
                throw new TarEntryRejectedException(entry.getName(), "its path exists already: " + e.getFile());
            }
        }

        @FunctionalInterface
        private interface Creation<T> {
            T create() throws IOException;
        }
    }
}
