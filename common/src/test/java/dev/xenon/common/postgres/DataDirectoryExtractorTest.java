package dev.xenon.common.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryExtractorTest {

    @TempDir
    Path temp;

    private final DataDirectoryExtractor extractor = new DataDirectoryExtractor(PostgresOsUser.forCurrentProcess());

    @Test
    void extractsFilesDirectoriesAndSymlinksWithPostgresModes() throws IOException {
        byte[] big = new byte[300_000];
        Arrays.fill(big, (byte) 7);
        byte[] tar = new Tar()
                .file("backup_label", "START WAL LOCATION: 0/2000028\n", 0644)
                .directory("pg_wal/")
                .directory("./pg_wal/archive_status/")
                .file("base/1/1259", big, 0644) // parents not listed first
                .directory("base/")
                .symlink("pg_tblspc/16384", "/somewhere/else")
                .file("global/pg_control", new byte[8192], 0600)
                .bytes();
        Path dataDir = temp.resolve("data");
        DataDirectoryExtractor.Stats stats = extractor.extract(new ByteArrayInputStream(tar), dataDir);

        assertThat(stats).isEqualTo(new DataDirectoryExtractor.Stats(3, 6, 1, 300_000 + 8192 + 30));
        assertThat(Files.readString(dataDir.resolve("backup_label"))).isEqualTo("START WAL LOCATION: 0/2000028\n");
        assertThat(Files.readAllBytes(dataDir.resolve("base/1/1259"))).isEqualTo(big);
        assertThat(Files.readSymbolicLink(dataDir.resolve("pg_tblspc/16384"))).isEqualTo(Path.of("/somewhere/else"));
        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve("pg_wal/archive_status"))).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve("base/1"))).isEqualTo("rwx------");
        assertThat(mode(dataDir.resolve("backup_label"))).isEqualTo("rw-------");
        assertThat(mode(dataDir.resolve("base/1/1259"))).isEqualTo("rw-------");
    }

    @Test
    void readsOnlyUpToTheEndOfTheArchiveAndLeavesTheStreamOpen() throws IOException {
        byte[] tar = new Tar().file("PG_VERSION", "15\n", 0600).bytes();
        byte[] withTrailer = Arrays.copyOf(tar, tar.length + 3);
        TrackingStream in = new TrackingStream(withTrailer);
        extractor.extract(in, temp.resolve("data"));
        assertThat(in.closed).isFalse();
    }

    @Test
    void namesMayStartWithDotSlashAndTheRootEntryIsSkipped() throws IOException {
        byte[] tar =
                new Tar().directory("./").file("./PG_VERSION", "15\n", 0600).bytes();
        Path dataDir = temp.resolve("data");
        assertThat(extractor.extract(new ByteArrayInputStream(tar), dataDir))
                .isEqualTo(new DataDirectoryExtractor.Stats(1, 0, 0, 3));
        assertThat(Files.readString(dataDir.resolve("PG_VERSION"))).isEqualTo("15\n");
    }

    @Test
    void theExtraStepRunsBeforeTheHandOver() throws IOException {
        byte[] tar = new Tar().directory("pg_wal/").bytes();
        Path dataDir = temp.resolve("data");
        extractor.extract(
                new ByteArrayInputStream(tar),
                dataDir,
                dir -> Files.writeString(dir.resolve("pg_wal/000000010000000000000002"), "wal"));
        assertThat(Files.readString(dataDir.resolve("pg_wal/000000010000000000000002")))
                .isEqualTo("wal");
    }

    @Test
    void absolutePathsAreRejected() {
        byte[] tar = new Tar().file("/etc/passwd", "x", 0600).bytes();
        assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(tar), temp.resolve("data")))
                .isInstanceOfSatisfying(TarEntryRejectedException.class, e -> assertThat(e.entryName())
                        .isEqualTo("/etc/passwd"))
                .hasMessageContaining("absolute");
    }

    @Test
    void dotDotIsRejected() {
        for (String name : new String[] {"../escape", "base/../../escape", "a/.."}) {
            byte[] tar = new Tar().file(name, "x", 0600).bytes();
            Path dataDir = temp.resolve("data-" + Math.abs(name.hashCode()));
            assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(tar), dataDir))
                    .isInstanceOf(TarEntryRejectedException.class)
                    .hasMessageContaining("'..'");
        }
        assertThat(temp.resolve("escape")).doesNotExist();
    }

    @Test
    void entriesThroughASymlinkAreRejected() throws IOException {
        Path outside = Files.createDirectory(temp.resolve("outside"));
        byte[] tar = new Tar()
                .symlink("link", outside.toString())
                .file("link/planted", "x", 0600)
                .bytes();
        assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(tar), temp.resolve("data")))
                .isInstanceOf(TarEntryRejectedException.class)
                .hasMessageContaining("symbolic link");
        assertThat(outside.resolve("planted")).doesNotExist();
    }

    @Test
    void duplicatesAndHardLinksAreRejected() {
        byte[] duplicate = new Tar()
                .file("PG_VERSION", "15\n", 0600)
                .file("PG_VERSION", "16\n", 0600)
                .bytes();
        assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(duplicate), temp.resolve("d1")))
                .isInstanceOf(TarEntryRejectedException.class)
                .hasMessageContaining("exists already");
        byte[] hardLink = new Tar().file("a", "x", 0600).hardLink("b", "a").bytes();
        assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(hardLink), temp.resolve("d2")))
                .isInstanceOf(TarEntryRejectedException.class)
                .hasMessageContaining("hard links");
    }

    @Test
    void theDataDirectoryMustBeEmptyOrAbsent() throws IOException {
        Path dataDir = Files.createDirectory(temp.resolve("data"));
        Files.writeString(dataDir.resolve("leftover"), "x");
        byte[] tar = new Tar().file("PG_VERSION", "15\n", 0600).bytes();
        assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(tar), dataDir))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("not empty");

        Path empty = Files.createDirectory(temp.resolve("empty"));
        extractor.extract(new ByteArrayInputStream(tar), empty);
        assertThat(mode(empty)).isEqualTo("rwx------");
    }

    @Test
    void aTruncatedArchiveFails() {
        byte[] tar = new Tar().file("big", new byte[10_000], 0600).bytes();
        byte[] truncated = Arrays.copyOf(tar, 512 + 4096);
        assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(truncated), temp.resolve("data")))
                .isInstanceOf(IOException.class);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** Builds a tar archive in memory. */
    private static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out = new TarArchiveOutputStream(bytes);

        Tar() {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Tar file(String name, String content, int mode) {
            return file(name, content.getBytes(StandardCharsets.UTF_8), mode);
        }

        Tar file(String name, byte[] content, int mode) {
            TarArchiveEntry e = new TarArchiveEntry(name, true);
            e.setSize(content.length);
            e.setMode(mode);
            return put(e, content);
        }

        Tar directory(String name) {
            return put(new TarArchiveEntry(name, TarConstants.LF_DIR, true), new byte[0]);
        }

        Tar symlink(String name, String target) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
            e.setLinkName(target);
            return put(e, new byte[0]);
        }

        Tar hardLink(String name, String target) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
            e.setLinkName(target);
            return put(e, new byte[0]);
        }

        private Tar put(TarArchiveEntry e, byte[] content) {
            try {
                out.putArchiveEntry(e);
                out.write(content);
                out.closeArchiveEntry();
            } catch (IOException x) {
                throw new IllegalStateException(x);
            }
            return this;
        }

        byte[] bytes() {
            try {
                out.finish();
                out.close();
            } catch (IOException x) {
                throw new IllegalStateException(x);
            }
            return bytes.toByteArray();
        }
    }

    private static final class TrackingStream extends InputStream {
        private final ByteArrayInputStream in;
        boolean closed;

        TrackingStream(byte[] data) {
            this.in = new ByteArrayInputStream(data);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
