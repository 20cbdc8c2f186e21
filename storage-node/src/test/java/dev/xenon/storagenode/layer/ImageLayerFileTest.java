package dev.xenon.storagenode.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image layers written from tars to real files and turned back into tars. */
class ImageLayerFileTest {

    private static final int PAGE = 8192;
    private static final long MTIME = 1_740_000_000L;
    private static final TimelineId MAIN = TimelineId.parse("5a1c9d3b0f7e4e2a8b6c4d2e0f1a3b5c");
    private static final TimelineId BRANCH = TimelineId.parse("0123456789abcdef0123456789abcdef");

    @TempDir
    Path dir;

    /** The hand-written resolver: every image this test wrote, by ref. */
    private final Map<LayerRef, ImageLayerFile> opened = new HashMap<>();

    private final ImageLayerResolver resolver = ref -> {
        ImageLayerFile file = opened.get(ref);
        if (file == null) {
            throw new NoSuchFileException(ref.toString());
        }
        return file;
    };

    @AfterEach
    void closeImages() throws IOException {
        for (ImageLayerFile file : opened.values()) {
            file.close();
        }
    }

    @Test
    void aTarRoundTripsByteForByte() throws IOException {
        Random random = new Random(1);
        byte[] multiBlock = bytes(random, 3 * PAGE + 100);
        TestTar input = new TestTar()
                .directory("base/", 0700, MTIME)
                .directory("base/1/", 0700, MTIME + 1)
                .file("PG_VERSION", 0600, MTIME + 2, "15\n".getBytes(StandardCharsets.US_ASCII))
                .file("base/1/1259", 0600, MTIME + 3, multiBlock)
                .file("base/1/1259_fsm", 0600, MTIME, bytes(random, 3 * PAGE))
                .file("base/1/2610", 0600, MTIME, new byte[0])
                .file("global/pg_control", 0600, MTIME, bytes(random, PAGE))
                .file("pg_logical/" + "x".repeat(150), 0644, MTIME, bytes(random, 10)) // a PAX long name
                .file("postgresql.auto.conf", 0600, 9_999_999_999L, bytes(random, 88)) // beyond 8 octal digits
                .symlink("pg_tblspc/16385/", "/mnt/tablespaces/fast", 0777, MTIME)
                .file("ünïcode", 0640, MTIME, bytes(random, 1))
                .file("base/1/16390", 0600, MTIME, digits(random, 2 * PAGE)); // stored densely
        byte[] tar = input.bytes();

        ImageLayerWriter.Stats stats;
        WrittenLayer written;
        try (ImageLayerWriter writer = writer(MAIN, 0x100_0028, 0x100_0100, null, null)) {
            writer.addTar(new ByteArrayInputStream(tar));
            stats = writer.stats();
            written = writer.finish();
        }
        assertThat(written.name()).isEqualTo(ImageLayerName.parse("image_0000000001000028_0000000001000100"));
        assertThat(written.path()).isEqualTo(dir.resolve(written.name().toString()));
        assertThat(written.size()).isEqualTo(Files.size(written.path()));
        assertThat(written.crc32c()).isEqualTo(DeltaLayerFileTest.crc32c(Files.readAllBytes(written.path())));
        assertThat(stats.entries()).isEqualTo(input.items().size());
        assertThat(stats.blocks()).isEqualTo(1 + 4 + 3 + 0 + 1 + 1 + 1 + 1 + 2);
        assertThat(stats.newBlocks()).isEqualTo(stats.blocks());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(written.path());
        }

        ImageLayerFile image = open(written);
        image.verify();
        assertThat(image.name()).isEqualTo(written.name());
        assertThat(image.timeline()).isEqualTo(MAIN);
        assertThat(image.refs()).containsExactly(new LayerRef(MAIN, imageName(written)));
        assertThat(image.entries())
                .extracting(ImageEntry::path)
                .containsExactlyElementsOf(
                        input.items().stream().map(TestTar.Item::name).toList());
        ImageEntry symlink = image.entry("pg_tblspc/16385/").orElseThrow();
        assertThat(symlink.type()).isEqualTo(ImageEntry.Type.SYMLINK);
        assertThat(symlink.symlinkTarget()).isEqualTo("/mnt/tablespaces/fast");
        ImageEntry relation = image.entry("base/1/1259").orElseThrow();
        assertThat(relation.size()).isEqualTo(multiBlock.length);
        assertThat(relation.blocks().size()).isEqualTo(4);
        assertThat(relation.blocks().length(3)).isEqualTo(100);
        assertThat(image.readBlock(relation.blocks().offset(3), 100))
                .isEqualTo(Arrays.copyOfRange(multiBlock, 3 * PAGE, 3 * PAGE + 100));
        assertThat(image.readContent(relation, resolver)).isEqualTo(multiBlock);
        assertThat(image.entry("base/1/2610").orElseThrow().blocks().size()).isZero();
        // Digits do not compress at the fast level; the dense one stores them in under half.
        ImageEntry digits = image.entry("base/1/16390").orElseThrow();
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(written.path()));
        assertThat(file.getInt((int) digits.blocks().offset(0))).isLessThan(PAGE / 2);
        assertThat(file.getInt((int) relation.blocks().offset(0))).isGreaterThan(PAGE); // random: stored as is
        assertThat(image.entry("nonexistent")).isEmpty();

        byte[] output = TestTar.render(image, resolver);
        assertThat(TestTar.read(output)).containsExactlyElementsOf(input.items());
        assertThat(output).isEqualTo(tar);
    }

    @Test
    void lsnsAreGivenUpFrontOrAtTheEnd() throws IOException {
        try (ImageLayerWriter writer = new ImageLayerWriter(dir, MAIN, null, null)) {
            writer.addDirectory("base/", 0700, MTIME);
            assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> writer.finish(Lsn.of(2), Lsn.of(1))).isInstanceOf(IllegalArgumentException.class);
            WrittenLayer written = writer.finish(Lsn.parse("0/2000028"), Lsn.parse("0/2000100"));
            assertThat(written.name().toString()).isEqualTo("image_0000000002000028_0000000002000100");
            ImageLayerFile image = open(written);
            image.verify();
            assertThat(image.name()).isEqualTo(written.name());
        }
        try (ImageLayerWriter writer = writer(MAIN, 0x100_0000, 0x100_0100, null, null)) {
            assertThatThrownBy(() -> writer.finish(Lsn.of(0x100_0000), Lsn.of(0x100_0200)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("started as");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void anImageMayBeEmpty() throws IOException {
        WrittenLayer written;
        try (ImageLayerWriter writer = writer(MAIN, 0x100_0000, 0x100_0000, null, null)) {
            written = writer.finish();
            assertThat(writer.stats()).isEqualTo(new ImageLayerWriter.Stats(0, 0, 0, 0, 0));
        }
        ImageLayerFile image = open(written);
        image.verify();
        assertThat(image.entries()).isEmpty();
        assertThat(image.refs()).containsExactly(new LayerRef(MAIN, imageName(written)));
        assertThat(TestTar.render(image, resolver)).isEqualTo(new TestTar().bytes());
    }

    @Test
    void aSecondImageWithOnePercentChangedStoresOnlyTheChangedBlocks() throws IOException {
        DataDirectory first = DataDirectory.generate(new Random(2), 8, 64);
        WrittenLayer one = writeImage(MAIN, 0x100_0000, 0x100_0100, first.tar(), null);

        DataDirectory second = first.copy();
        int changed = second.changePages(new Random(3), first.pageCount() / 100);
        assertThat(changed).isGreaterThanOrEqualTo(5);
        ImageLayerWriter.Stats stats;
        WrittenLayer two;
        try (ImageLayerWriter writer = new ImageLayerWriter(dir, MAIN, open(one), new LayerRef(MAIN, imageName(one)))) {
            writer.addTar(new ByteArrayInputStream(second.tar()));
            stats = writer.stats();
            two = writer.finish(Lsn.of(0x200_0000), Lsn.of(0x200_0100)); // named once the backup is done
        }
        assertThat(stats.blocks()).isEqualTo(second.pageCount());
        assertThat(stats.newBlocks()).isEqualTo(changed);
        ImageLayerFile image = open(two);
        image.verify();
        assertThat(image.refs())
                .containsExactly(new LayerRef(MAIN, imageName(two)), new LayerRef(MAIN, imageName(one)));
        assertThat(TestTar.render(image, resolver)).isEqualTo(second.tar());
        assertThat(TestTar.render(opened.get(new LayerRef(MAIN, imageName(one))), resolver))
                .isEqualTo(first.tar());
        // The new file holds the changed blocks and not much else.
        assertThat(image.size()).isLessThan(Files.size(one.path()) / 10);
    }

    @Test
    void aThirdImageOnABranchChainsOnTheSecond() throws IOException {
        DataDirectory first = DataDirectory.generate(new Random(4), 6, 50);
        WrittenLayer one = writeImage(MAIN, 0x100_0000, 0x100_0100, first.tar(), null);
        DataDirectory second = first.copy();
        second.changePages(new Random(5), 10);
        WrittenLayer two = writeImage(MAIN, 0x200_0000, 0x200_0100, second.tar(), new LayerRef(MAIN, imageName(one)));

        DataDirectory third = second.copy();
        int changed = third.changePages(new Random(6), 7);
        third.files.put("base/1/99999", pages(new Random(7), 3)); // a new relation
        ImageLayerWriter.Stats stats;
        WrittenLayer three;
        LayerRef twoRef = new LayerRef(MAIN, imageName(two));
        try (ImageLayerWriter writer = writer(BRANCH, 0x200_0100, 0x200_0200, opened.get(twoRef), twoRef)) {
            writer.addTar(new ByteArrayInputStream(third.tar()));
            stats = writer.stats();
            three = writer.finish();
        }
        assertThat(stats.newBlocks()).isEqualTo(changed + 3);

        ImageLayerFile image = open(three);
        assertThat(image.timeline()).isEqualTo(BRANCH);
        assertThat(image.refs())
                .containsExactly(new LayerRef(BRANCH, imageName(three)), twoRef, new LayerRef(MAIN, imageName(one)));
        assertThat(TestTar.render(image, resolver)).isEqualTo(third.tar());
        assertThat(TestTar.render(opened.get(twoRef), resolver)).isEqualTo(second.tar());
    }

    @Test
    void imagesNoBlockUsesAnyMoreDropOutOfTheRefs() throws IOException {
        DataDirectory first = DataDirectory.generate(new Random(8), 2, 10);
        WrittenLayer one = writeImage(MAIN, 0x100_0000, 0x100_0000, first.tar(), null);
        Random random = new Random(9);
        byte[] rewritten = new TestTar() // every block differs from every block of the first image
                .directory("base/", 0700, MTIME)
                .file("base/16384", 0600, MTIME, pages(random, 10))
                .file("PG_VERSION", 0600, MTIME, "16\n".getBytes(StandardCharsets.US_ASCII))
                .bytes();
        WrittenLayer two = writeImage(MAIN, 0x200_0000, 0x200_0000, rewritten, new LayerRef(MAIN, imageName(one)));
        ImageLayerFile image = open(two);
        assertThat(image.refs()).containsExactly(new LayerRef(MAIN, imageName(two)));
        assertThat(TestTar.render(image, ref -> {
                    throw new AssertionError("nothing to resolve, asked for " + ref);
                }))
                .isEqualTo(rewritten);
    }

    @Test
    void identicalBlocksWithinOneImageAreStoredOnce() throws IOException {
        Random random = new Random(10);
        byte[] page = bytes(random, PAGE);
        byte[] other = bytes(random, PAGE);
        byte[] fileOfSame = new byte[5 * PAGE];
        for (int i = 0; i < 5; i++) {
            System.arraycopy(i % 2 == 0 ? page : other, 0, fileOfSame, i * PAGE, PAGE);
        }
        byte[] zeros = new byte[4 * PAGE];
        TestTar input = new TestTar()
                .file("a", 0600, MTIME, fileOfSame)
                .file("b", 0600, MTIME, fileOfSame)
                .file("c", 0600, MTIME, zeros)
                .file("d", 0600, MTIME, page)
                .file("e", 0600, MTIME, Arrays.copyOf(page, 100)) // a short block is different content
                .file("f", 0600, MTIME, Arrays.copyOf(page, 100));
        ImageLayerWriter.Stats stats;
        WrittenLayer written;
        try (ImageLayerWriter writer = writer(MAIN, 0x100_0000, 0x100_0000, null, null)) {
            writer.addTar(new ByteArrayInputStream(input.bytes()));
            stats = writer.stats();
            written = writer.finish();
        }
        assertThat(stats.blocks()).isEqualTo(5 + 5 + 4 + 1 + 1 + 1);
        assertThat(stats.newBlocks()).isEqualTo(4); // page, other, zeros, the short one
        ImageLayerFile image = open(written);
        BlockList a = image.entry("a").orElseThrow().blocks();
        BlockList b = image.entry("b").orElseThrow().blocks();
        assertThat(a).isEqualTo(b);
        assertThat(a.offset(0)).isEqualTo(a.offset(2)).isEqualTo(a.offset(4));
        assertThat(a.hash(0)).isEqualTo(a.hash(2)).isNotEqualTo(a.hash(1));
        assertThat(image.entry("d").orElseThrow().blocks().offset(0)).isEqualTo(a.offset(0));
        assertThat(TestTar.render(image, resolver)).isEqualTo(input.bytes());
    }

    @Test
    void aCorruptBlockFailsTheTarNamingTheFile() throws IOException {
        DataDirectory first = DataDirectory.generate(new Random(11), 3, 20);
        WrittenLayer one = writeImage(MAIN, 0x100_0000, 0x100_0100, first.tar(), null);
        DataDirectory second = first.copy();
        second.changePages(new Random(12), 3);
        WrittenLayer two = writeImage(MAIN, 0x200_0000, 0x200_0100, second.tar(), new LayerRef(MAIN, imageName(one)));
        ImageLayerFile image = opened.get(new LayerRef(MAIN, imageName(two)));
        ImageLayerFile older = opened.get(new LayerRef(MAIN, imageName(one)));
        ImageEntry relation = image.entry("base/1/16384").orElseThrow();
        long offset = relation.blocks().offset(0);
        assertThat(relation.blocks().ref(0)).isEqualTo(1); // lives in the older image

        // Damage the block in the older image, where the newer one reads it from.
        DeltaLayerFileTest.flipByte(one.path(), offset + 8 + 3);
        assertThatThrownBy(() -> TestTar.render(image, resolver))
                .isInstanceOf(LayerCorruptException.class)
                .hasMessageContaining("CRC32C")
                .satisfies(e -> assertThat(((LayerCorruptException) e).file()).isEqualTo(one.path()));
        assertThatThrownBy(() -> older.readBlock(offset, PAGE))
                .isInstanceOf(LayerCorruptException.class)
                .hasMessageContaining(one.path().toString())
                .hasMessageContaining("offset " + offset);
        assertThatThrownBy(older::verify).isInstanceOf(LayerCorruptException.class);
        image.verify(); // the newer file itself is intact
    }

    @Test
    void verifyOrOpenCatchesAFlippedByteAnywhere() throws IOException {
        byte[] tar = new TestTar()
                .directory("global/", 0700, MTIME)
                .file("global/pg_control", 0600, MTIME, bytes(new Random(13), 300))
                .file("backup_label", 0600, MTIME, "START WAL LOCATION: 0/2000028\n".getBytes(StandardCharsets.UTF_8))
                .symlink("pg_tblspc/1/", "/x", 0777, MTIME)
                .bytes();
        WrittenLayer written = writeImage(MAIN, 0x100_0000, 0x100_0100, tar, null);
        byte[] original = Files.readAllBytes(written.path());
        Path copy = dir.resolve("copy");
        for (int i = 0; i < original.length; i++) {
            byte[] damaged = original.clone();
            damaged[i] ^= 0x10;
            Files.write(copy, damaged);
            int at = i;
            assertThatThrownBy(() -> {
                        try (ImageLayerFile image = ImageLayerFile.open(copy)) {
                            image.verify();
                        }
                    })
                    .as("flipped byte at offset %d of %d", at, original.length)
                    .isInstanceOf(LayerCorruptException.class)
                    .hasMessageContaining(copy.toString());
        }
    }

    @Test
    void aTruncatedImageDoesNotOpen() throws IOException {
        WrittenLayer written = writeImage(
                MAIN,
                0x100_0000,
                0x100_0100,
                DataDirectory.generate(new Random(14), 1, 5).tar(),
                null);
        byte[] original = Files.readAllBytes(written.path());
        Path copy = dir.resolve("truncated");
        for (int length : new int[] {original.length - 1, original.length - 32, original.length / 2, 24, 0}) {
            Files.write(copy, Arrays.copyOf(original, length));
            assertThatThrownBy(() -> ImageLayerFile.open(copy).close())
                    .as("truncated to %d bytes", length)
                    .isInstanceOf(LayerCorruptException.class);
        }
    }

    @Test
    void backupLabelIsReadableByPath() throws IOException {
        byte[] label =
                "START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n".getBytes(StandardCharsets.UTF_8);
        WrittenLayer written = writeImage(
                MAIN,
                0x200_0028,
                0x200_0100,
                new TestTar().file("backup_label", 0600, MTIME, label).bytes(),
                null);
        ImageLayerFile image = open(written);
        assertThat(image.readContent(image.entry("backup_label").orElseThrow(), resolver))
                .isEqualTo(label);
    }

    @Test
    void aFileThatEndsEarlyFailsTheWriterAndLeavesNoLayer() throws IOException {
        try (ImageLayerWriter writer = writer(MAIN, 0x100_0000, 0x100_0100, null, null)) {
            writer.addDirectory("base/", 0700, MTIME);
            writer.addFile("base/1", 0600, MTIME, 3 * PAGE, new ByteArrayInputStream(new byte[2 * PAGE + 5]));
            throw new AssertionError("a short file must fail");
        } catch (EOFException e) {
            assertThat(e).hasMessageContaining("base/1").hasMessageContaining("16389 of 24576");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }

        try (ImageLayerWriter writer = writer(MAIN, 0x100_0000, 0x100_0100, null, null)) {
            assertThatThrownBy(() -> writer.addFile("f", 0600, MTIME, 10, new ByteArrayInputStream(new byte[3])))
                    .isInstanceOf(EOFException.class);
            assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void addFileReadsExactlyTheGivenSize() throws IOException {
        ByteArrayInputStream content = new ByteArrayInputStream(new byte[PAGE + 50]);
        try (ImageLayerWriter writer = writer(MAIN, 0x100_0000, 0x100_0100, null, null)) {
            writer.addFile("f", 0600, MTIME, PAGE + 10, content);
            assertThat(content.available()).isEqualTo(40);
        }
    }

    @Test
    void rejectsDuplicatePathsAndUnsupportedTarEntries() throws IOException {
        try (ImageLayerWriter writer = writer(MAIN, 0x100_0000, 0x100_0100, null, null)) {
            writer.addDirectory("base/", 0700, MTIME);
            assertThatThrownBy(() -> writer.addDirectory("base/", 0700, MTIME))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("duplicate");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = ImageLayerFile.newTarOutputStream(bytes)) {
            TarArchiveEntry link = new TarArchiveEntry("hard", TarConstants.LF_LINK);
            link.setLinkName("other");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            tar.finish();
        }
        try (ImageLayerWriter writer = writer(MAIN, 0x100_0000, 0x100_0100, null, null)) {
            assertThatThrownBy(() -> writer.addTar(new ByteArrayInputStream(bytes.toByteArray())))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("'hard'");
        }
    }

    @Test
    void theResolverMustReturnTheLayerAskedFor() throws IOException {
        DataDirectory first = DataDirectory.generate(new Random(15), 1, 4);
        WrittenLayer one = writeImage(MAIN, 0x100_0000, 0x100_0100, first.tar(), null);
        WrittenLayer two = writeImage(MAIN, 0x200_0000, 0x200_0100, first.tar(), new LayerRef(MAIN, imageName(one)));
        ImageLayerFile image = opened.get(new LayerRef(MAIN, imageName(two)));
        assertThatThrownBy(() -> TestTar.render(image, ref -> image))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("resolver returned");
        assertThatThrownBy(() -> new ImageLayerWriter(
                        dir, MAIN, Lsn.of(0x300_0000), Lsn.of(0x300_0000), image, new LayerRef(MAIN, imageName(one))))
                .isInstanceOf(IllegalArgumentException.class);
        // An image cannot refer to itself: naming a new image like one in its previous image's chain fails.
        try (ImageLayerWriter writer = new ImageLayerWriter(dir, MAIN, image, new LayerRef(MAIN, imageName(two)))) {
            assertThatThrownBy(() -> writer.finish(Lsn.of(0x100_0000), Lsn.of(0x100_0100)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("being written");
        }
    }

    // ---------------------------------------------------------------------------------------------

    private ImageLayerWriter writer(TimelineId timeline, long start, long end, ImageLayerFile previous, LayerRef ref)
            throws IOException {
        return new ImageLayerWriter(dir, timeline, Lsn.of(start), Lsn.of(end), previous, ref);
    }

    /**
     * Writes an image of {@code tar} chained on the (already opened) {@code previous}, naming it at
     * the end as the storage node does, and opens it.
     */
    private WrittenLayer writeImage(TimelineId timeline, long start, long end, byte[] tar, LayerRef previous)
            throws IOException {
        try (ImageLayerWriter writer =
                new ImageLayerWriter(dir, timeline, previous == null ? null : opened.get(previous), previous)) {
            writer.addTar(new ByteArrayInputStream(tar));
            WrittenLayer written = writer.finish(Lsn.of(start), Lsn.of(end));
            ImageLayerFile image = ImageLayerFile.open(written.path());
            opened.put(new LayerRef(timeline, imageName(written)), image);
            image.verify();
            return written;
        }
    }

    private ImageLayerFile open(WrittenLayer written) throws IOException {
        for (Map.Entry<LayerRef, ImageLayerFile> entry : opened.entrySet()) {
            if (entry.getValue().path().equals(written.path())) {
                return entry.getValue();
            }
        }
        ImageLayerFile image = ImageLayerFile.open(written.path());
        opened.put(image.refs().get(0), image);
        return image;
    }

    private static ImageLayerName imageName(WrittenLayer written) {
        return (ImageLayerName) written.name();
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Decimal digits: no repetition for LZ matches, but only 3.3 bits of entropy per byte. */
    private static byte[] digits(Random random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('0' + random.nextInt(10));
        }
        return bytes;
    }

    private static byte[] pages(Random random, int count) {
        return bytes(random, count * PAGE);
    }

    /** A data directory as a base backup holds it: directories, relation files of pages, small files. */
    static final class DataDirectory {
        final List<String> directories = new ArrayList<>();
        final LinkedHashMap<String, byte[]> files = new LinkedHashMap<>();

        /**
         * Relation files of 8 KiB pages: a third all zeros, a third a few recurring "template" pages,
         * the rest random; plus a few small files.
         */
        static DataDirectory generate(Random random, int relations, int pagesEach) {
            DataDirectory data = new DataDirectory();
            data.directories.addAll(List.of("base/", "base/1/", "global/"));
            data.files.put("PG_VERSION", "15\n".getBytes(StandardCharsets.US_ASCII));
            data.files.put("global/pg_control", bytes(random, PAGE));
            byte[][] templates = {bytes(random, PAGE), bytes(random, PAGE), bytes(random, PAGE)};
            for (int r = 0; r < relations; r++) {
                byte[] relation = new byte[pagesEach * PAGE];
                for (int p = 0; p < pagesEach; p++) {
                    int kind = random.nextInt(3);
                    if (kind == 1) {
                        System.arraycopy(templates[random.nextInt(3)], 0, relation, p * PAGE, PAGE);
                    } else if (kind == 2) {
                        byte[] page = bytes(random, PAGE);
                        System.arraycopy(page, 0, relation, p * PAGE, PAGE);
                    }
                }
                data.files.put("base/1/" + (16384 + r), relation);
            }
            data.files.put("backup_label", "START WAL LOCATION: 0/1000028\n".getBytes(StandardCharsets.US_ASCII));
            return data;
        }

        DataDirectory copy() {
            DataDirectory copy = new DataDirectory();
            copy.directories.addAll(directories);
            files.forEach((name, content) -> copy.files.put(name, content.clone()));
            return copy;
        }

        int pageCount() {
            return files.values().stream()
                    .mapToInt(f -> (f.length + PAGE - 1) / PAGE)
                    .sum();
        }

        /** Overwrites {@code count} distinct full pages of relation files with new random content. */
        int changePages(Random random, int count) {
            List<String> relations =
                    files.keySet().stream().filter(n -> n.startsWith("base/1/")).toList();
            Set<String> done = new HashSet<>();
            while (done.size() < count) {
                String relation = relations.get(random.nextInt(relations.size()));
                byte[] content = files.get(relation);
                int page = random.nextInt(content.length / PAGE);
                if (done.add(relation + "#" + page)) {
                    byte[] fresh = bytes(random, PAGE);
                    System.arraycopy(fresh, 0, content, page * PAGE, PAGE);
                }
            }
            return count;
        }

        byte[] tar() {
            TestTar tar = new TestTar();
            directories.forEach(d -> tar.directory(d, 0700, MTIME));
            files.forEach((name, content) -> tar.file(name, 0600, MTIME, content));
            return tar.bytes();
        }
    }
}
