package dev.xenon.storagenode.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delta layers written to real files, read back against the byte array they were written from. */
class DeltaLayerFileTest {

    private static final int CHUNK = 1 << 20;
    private static final Lsn START = Lsn.parse("1/6000028");

    @TempDir
    Path dir;

    @Test
    void readsAnyRangeBackAcrossChunkBoundaries() throws IOException {
        byte[] wal = walLike(3 * CHUNK + 12_345, 1);
        List<CommitEntry> commits = List.of(
                new CommitEntry(START.plus(100), Instant.parse("2025-03-01T10:15:30.123456Z"), 737),
                new CommitEntry(START.plus(CHUNK + 7), Instant.parse("2025-03-01T10:15:31Z"), 738),
                new CommitEntry(START.plus(wal.length), Instant.parse("1999-12-31T23:59:59.999999Z"), -5));

        WrittenLayer written = DeltaLayerWriter.write(dir, START, wal, wal.length, commits);

        DeltaLayerName name = new DeltaLayerName(START, START.plus(wal.length));
        assertThat(written.name()).isEqualTo(name);
        assertThat(written.path()).isEqualTo(dir.resolve(name.toString()));
        assertThat(written.size()).isEqualTo(Files.size(written.path()));
        assertThat(written.crc32c()).isEqualTo(crc32c(Files.readAllBytes(written.path())));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(written.path()); // no temporary file left behind
        }

        try (DeltaLayerFile layer = DeltaLayerFile.open(written.path())) {
            assertThat(layer.name()).isEqualTo(name);
            assertThat(layer.start()).isEqualTo(START);
            assertThat(layer.end()).isEqualTo(START.plus(wal.length));
            assertThat(layer.size()).isEqualTo(written.size());
            assertThat(layer.commits()).isEqualTo(commits);
            layer.verify();

            Random random = new Random(7);
            for (int i = 0; i < 300; i++) {
                int from = random.nextInt(wal.length);
                int len = random.nextInt(i % 3 == 0 ? 3 * CHUNK : 20_000);
                byte[] dst = new byte[len + 10];
                int n = layer.read(START.plus(from), dst, 5, len);
                assertThat(n).isEqualTo(Math.min(len, wal.length - from));
                assertThat(Arrays.equals(dst, 5, 5 + n, wal, from, from + n))
                        .as("read of %d bytes at %d", len, from)
                        .isTrue();
            }
            // Exactly across a chunk boundary, and at the very end.
            byte[] two = new byte[2];
            assertThat(layer.read(START.plus(CHUNK - 1), two, 0, 2)).isEqualTo(2);
            assertThat(two).containsExactly(wal[CHUNK - 1], wal[CHUNK]);
            assertThat(layer.read(START.plus(wal.length), two, 0, 2)).isZero();
            assertThatThrownBy(() -> layer.read(START.plus(wal.length + 1), two, 0, 2))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> layer.read(Lsn.of(START.value() - 1), two, 0, 2))
                    .isInstanceOf(IllegalArgumentException.class);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            layer.transferTo(START.plus(CHUNK - 3), START.plus(2 * CHUNK + 4), out);
            assertThat(out.toByteArray()).isEqualTo(Arrays.copyOfRange(wal, CHUNK - 3, 2 * CHUNK + 4));
            out.reset();
            layer.transferTo(START, layer.end(), out);
            assertThat(out.toByteArray()).isEqualTo(wal);
        }
    }

    @Test
    void writesOnlyTheGivenLengthOfTheBuffer() throws IOException {
        byte[] wal = walLike(100_000, 2);
        WrittenLayer written = DeltaLayerWriter.write(dir, START, wal, 5_000, List.of());
        try (DeltaLayerFile layer = DeltaLayerFile.open(written.path())) {
            assertThat(layer.end()).isEqualTo(START.plus(5_000));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            layer.transferTo(layer.start(), layer.end(), out);
            assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(wal, 5_000));
            assertThat(layer.commits()).isEmpty();
        }
    }

    @Test
    void readingSequentiallyInSmallPiecesDecompressesEachChunkOnce() throws IOException {
        byte[] wal = walLike(2 * CHUNK + 500, 3);
        WrittenLayer written = DeltaLayerWriter.write(dir, START, wal, wal.length, List.of());
        try (DeltaLayerFile layer = DeltaLayerFile.open(written.path())) {
            byte[] page = new byte[8192];
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            Lsn at = layer.start();
            int n;
            while ((n = layer.read(at, page, 0, page.length)) > 0) {
                all.write(page, 0, n);
                at = at.plus(n);
            }
            assertThat(all.toByteArray()).isEqualTo(wal);
            assertThat(layer.chunksDecoded()).isEqualTo(3);
        }
    }

    @Test
    void aFlippedByteInAChunkFailsReadsOfThatChunkAndVerify() throws IOException {
        byte[] wal = walLike(3 * CHUNK, 4);
        WrittenLayer written = DeltaLayerWriter.write(dir, START, wal, wal.length, List.of());
        long chunkTwo;
        try (DeltaLayerFile layer = DeltaLayerFile.open(written.path())) {
            chunkTwo = chunkOffset(written.path(), 2);
        }
        flipByte(written.path(), chunkTwo + 17);

        try (DeltaLayerFile layer = DeltaLayerFile.open(written.path())) {
            byte[] dst = new byte[100];
            layer.read(START, dst, 0, dst.length); // chunk 0 is intact
            assertThat(dst).isEqualTo(Arrays.copyOf(wal, 100));
            assertThatThrownBy(() -> layer.read(START.plus(2L * CHUNK + 5), dst, 0, dst.length))
                    .isInstanceOf(LayerCorruptException.class)
                    .hasMessageContaining(written.path().toString())
                    .hasMessageContaining("chunk 2")
                    .hasMessageContaining("expected")
                    .satisfies(
                            e -> assertThat(((LayerCorruptException) e).file()).isEqualTo(written.path()));
            assertThatThrownBy(layer::verify)
                    .isInstanceOf(LayerCorruptException.class)
                    .hasMessageContaining(written.path().toString());
        }
    }

    @Test
    void everyFlippedByteIsCaughtByOpenOrVerify() throws IOException {
        byte[] wal = walLike(3000, 5);
        WrittenLayer written = DeltaLayerWriter.write(
                dir, START, wal, wal.length, List.of(new CommitEntry(START.plus(2000), Instant.EPOCH, 1)));
        byte[] original = Files.readAllBytes(written.path());
        Path copy = dir.resolve("copy");
        for (int i = 0; i < original.length; i++) {
            byte[] damaged = original.clone();
            damaged[i] ^= 0x01;
            Files.write(copy, damaged);
            int at = i;
            assertThatThrownBy(() -> {
                        try (DeltaLayerFile layer = DeltaLayerFile.open(copy)) {
                            layer.verify();
                        }
                    })
                    .as("flipped byte at offset %d of %d", at, original.length)
                    .isInstanceOf(LayerCorruptException.class);
        }
    }

    @Test
    void aTruncatedFileDoesNotOpen() throws IOException {
        byte[] wal = walLike(CHUNK + 10, 6);
        WrittenLayer written = DeltaLayerWriter.write(dir, START, wal, wal.length, List.of());
        byte[] original = Files.readAllBytes(written.path());
        Path copy = dir.resolve("truncated");
        for (int length : new int[] {original.length - 1, original.length - 28, original.length / 2, 24, 1, 0}) {
            Files.write(copy, Arrays.copyOf(original, length));
            assertThatThrownBy(() -> DeltaLayerFile.open(copy).close())
                    .as("truncated to %d bytes", length)
                    .isInstanceOf(LayerCorruptException.class)
                    .hasMessageContaining(copy.toString());
        }
        // Extra bytes are as wrong as missing ones.
        Files.write(copy, Arrays.copyOf(original, original.length + 1));
        assertThatThrownBy(() -> DeltaLayerFile.open(copy).close()).isInstanceOf(LayerCorruptException.class);
    }

    @Test
    void aFileNamedAsAnotherLayerDoesNotOpen() throws IOException {
        byte[] wal = walLike(1000, 7);
        WrittenLayer written = DeltaLayerWriter.write(dir, START, wal, wal.length, List.of());
        Path renamed = dir.resolve(new DeltaLayerName(START, START.plus(999)).toString());
        Files.move(written.path(), renamed);
        assertThatThrownBy(() -> DeltaLayerFile.open(renamed).close())
                .isInstanceOf(LayerCorruptException.class)
                .hasMessageContaining("holds " + written.name());
    }

    @Test
    void aFailedWriteLeavesNothingUnderTheFinalName() throws IOException {
        byte[] wal = walLike(CHUNK + 1, 8);
        DeltaLayerName name = new DeltaLayerName(START, START.plus(wal.length));
        // Something is in the way of the final rename: the whole file is written, then the rename fails.
        Path obstacle = Files.createDirectories(dir.resolve(name.toString()).resolve("occupied"));

        assertThatThrownBy(() -> DeltaLayerWriter.write(dir, START, wal, wal.length, List.of()))
                .isInstanceOf(IOException.class);

        assertThat(dir.resolve(name.toString())).isDirectory();
        assertThat(obstacle).isEmptyDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve(name.toString())); // the temporary file is gone
        }
    }

    @Test
    void rejectsBadArgumentsBeforeWritingAnything() throws IOException {
        byte[] wal = walLike(1000, 9);
        assertThatThrownBy(() -> DeltaLayerWriter.write(dir, START, wal, 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeltaLayerWriter.write(dir, START, wal, 1001, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        Instant now = Instant.now();
        assertThatThrownBy(() -> DeltaLayerWriter.write(
                        dir,
                        START,
                        wal,
                        1000,
                        List.of(new CommitEntry(START.plus(500), now, 1), new CommitEntry(START.plus(400), now, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ascending");
        assertThatThrownBy(() -> DeltaLayerWriter.write(
                        dir, START, wal, 1000, List.of(new CommitEntry(START.plus(1001), now, 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeltaLayerWriter.write(dir, START, wal, 1000, List.of(new CommitEntry(START, now, 1))))
                .isInstanceOf(IllegalArgumentException.class);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void concurrentReadersEachGetTheirBytes() throws Exception {
        byte[] wal = walLike(4 * CHUNK, 10);
        WrittenLayer written = DeltaLayerWriter.write(dir, START, wal, wal.length, List.of());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (DeltaLayerFile layer = DeltaLayerFile.open(written.path())) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 200; i++) {
                        int from = random.nextInt(wal.length);
                        byte[] dst = new byte[random.nextInt(50_000)];
                        int n = layer.read(START.plus(from), dst, 0, dst.length);
                        if (!Arrays.equals(dst, 0, n, wal, from, from + n)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInterruptedReaderDoesNotBreakTheFileForOthers() throws IOException {
        byte[] wal = walLike(3 * CHUNK, 11);
        WrittenLayer written = DeltaLayerWriter.write(dir, START, wal, wal.length, List.of());
        try (DeltaLayerFile layer = DeltaLayerFile.open(written.path())) {
            byte[] dst = new byte[10];
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> layer.read(START.plus(CHUNK), dst, 0, dst.length))
                        .isInstanceOf(ClosedByInterruptException.class);
            } finally {
                Thread.interrupted();
            }
            assertThat(layer.read(START.plus(2L * CHUNK), dst, 0, dst.length)).isEqualTo(10);
            assertThat(dst).isEqualTo(Arrays.copyOfRange(wal, 2 * CHUNK, 2 * CHUNK + 10));
            layer.verify();
        }
    }

    /** WAL-ish content: pages partly filled with random records, the rest zeros. */
    static byte[] walLike(int length, long seed) {
        Random random = new Random(seed);
        byte[] wal = new byte[length];
        for (int page = 0; page < length; page += 8192) {
            int filled = Math.min(length - page, random.nextInt(8193));
            byte[] records = new byte[filled];
            random.nextBytes(records);
            System.arraycopy(records, 0, wal, page, filled);
        }
        return wal;
    }

    private static long chunkOffset(Path file, int chunk) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        long indexOffset = buffer.getLong(bytes.length - 28);
        return buffer.getLong((int) indexOffset + 4 + chunk * 20);
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
            channel.write(one, offset);
        }
    }

    static int crc32c(byte[] bytes) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
