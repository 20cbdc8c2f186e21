package dev.xenon.walnode.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segment files against a reference model: a byte array of everything appended. */
class SegmentStoreTest {

    private static final int SEG = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void appendsAcrossSegmentsNamedAsPostgresNamesThem() throws Exception {
        Lsn start = Lsn.of(3L * SEG + 100);
        byte[] model = new byte[3 * SEG];
        new Random(42).nextBytes(model);
        try (SegmentStore store = new SegmentStore(dir, 1, SEG, start)) {
            int pos = 0;
            Random sizes = new Random(7);
            while (pos < model.length) {
                int n = Math.min(model.length - pos, 1 + sizes.nextInt(20_000));
                store.append(start.plus(pos), ByteBuffer.wrap(model, pos, n));
                pos += n;
            }
            assertThat(store.writtenEnd()).isEqualTo(start.plus(model.length));
            assertThat(store.flushedEnd()).isEqualTo(start);
            assertThat(store.force()).isEqualTo(start.plus(model.length));

            // Completed segments lost their .partial suffix; the last one is still partial.
            assertThat(dir.resolve("000000000000000000000003")).doesNotExist();
            assertThat(dir.resolve("000000010000000000000003")).exists();
            assertThat(dir.resolve("000000010000000000000004")).exists();
            assertThat(dir.resolve("000000010000000000000005")).exists();
            assertThat(dir.resolve("000000010000000000000006.partial")).hasSize(SEG);

            byte[] back = readAll(store, start, model.length);
            assertThat(Arrays.equals(back, model)).isTrue();
            // Bytes before the first append, inside the first segment, are zeros.
            byte[] head = new byte[100];
            store.read(Lsn.of(3L * SEG), head, 0, 100);
            assertThat(head).containsOnly((byte) 0);
        }
    }

    @Test
    void refusesAGapButRewritesOverlaps() throws Exception {
        Lsn start = Lsn.of(SEG);
        try (SegmentStore store = new SegmentStore(dir, 1, SEG, start)) {
            store.append(start, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
            assertThatThrownBy(() -> store.append(start.plus(5), ByteBuffer.wrap(new byte[] {9})))
                    .isInstanceOf(WalGapException.class)
                    .hasMessageContaining("gap");
            store.append(start.plus(2), ByteBuffer.wrap(new byte[] {7, 8, 9}));
            assertThat(readAll(store, start, 5)).containsExactly(1, 2, 7, 8, 9);
        }
    }

    @Test
    void theNextSegmentIsPreparedInTheBackgroundFromHalfwayAndTakenOverWhenWalReachesIt() throws Exception {
        Lsn start = Lsn.of(SEG);
        Path next = dir.resolve("000000010000000000000002.next");
        byte[] wal = new byte[SEG + 100];
        new Random(3).nextBytes(wal);
        try (SegmentStore store = new SegmentStore(dir, 1, SEG, start)) {
            store.append(start, ByteBuffer.wrap(wal, 0, SEG / 2 - 1));
            assertThat(next).doesNotExist();
            store.append(start.plus(SEG / 2 - 1), ByteBuffer.wrap(wal, SEG / 2 - 1, 1));
            awaitSize(next, SEG);
            assertThat(store.listSegments().keySet()).containsExactly(1L);
            Object inode = Files.getAttribute(next, "unix:ino");

            store.append(start.plus(SEG / 2), ByteBuffer.wrap(wal, SEG / 2, wal.length - SEG / 2));
            Path partial = dir.resolve("000000010000000000000002.partial");
            assertThat(next).doesNotExist();
            assertThat(Files.getAttribute(partial, "unix:ino")).isEqualTo(inode);
            assertThat(store.force()).isEqualTo(start.plus(wal.length));
            assertThat(readAll(store, start, wal.length)).isEqualTo(wal);
            assertThat(Arrays.copyOfRange(Files.readAllBytes(partial), 100, SEG))
                    .containsOnly((byte) 0);

            // Halfway through segment 2: segment 3 is prepared; closing the store removes it.
            store.append(start.plus(wal.length), ByteBuffer.wrap(new byte[SEG / 2]));
            awaitSize(dir.resolve("000000010000000000000003.next"), SEG);
        }
        assertThat(dir.resolve("000000010000000000000003.next")).doesNotExist();
    }

    @Test
    void aPreparedSegmentLeftByACrashIsDeletedAtOpenAndOneInProgressByTruncate() throws Exception {
        Files.write(dir.resolve("000000010000000000000007.next"), new byte[10]);
        Lsn start = Lsn.of(SEG);
        try (SegmentStore store = new SegmentStore(dir, 1, SEG, start)) {
            assertThat(dir.resolve("000000010000000000000007.next")).doesNotExist();
            store.append(start, ByteBuffer.wrap(new byte[SEG / 2 + 10]));
            awaitSize(dir.resolve("000000010000000000000002.next"), SEG);
            store.truncate(start.plus(100));
            assertThat(dir.resolve("000000010000000000000002.next")).doesNotExist();
        }
    }

    private static void awaitSize(Path file, long size) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!(Files.exists(file) && Files.size(file) == size)) {
            assertThat(System.nanoTime())
                    .as("%s reaches %d bytes within 10 s", file, size)
                    .isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void truncateZeroFillsDeletesLaterSegmentsAndReopensTheSegmentAsPartial() throws Exception {
        Lsn start = Lsn.of(SEG);
        byte[] ones = new byte[2 * SEG + 500];
        Arrays.fill(ones, (byte) 1);
        try (SegmentStore store = new SegmentStore(dir, 1, SEG, start)) {
            store.append(start, ByteBuffer.wrap(ones));
            store.force();
            Lsn cut = start.plus(SEG - 10);
            store.truncate(cut);
            assertThat(store.writtenEnd()).isEqualTo(cut);
            assertThat(store.flushedEnd()).isEqualTo(cut);
            assertThat(dir.resolve("000000010000000000000001.partial")).exists();
            assertThat(dir.resolve("000000010000000000000001")).doesNotExist();
            assertThat(dir.resolve("000000010000000000000002")).doesNotExist();
            assertThat(dir.resolve("000000010000000000000003.partial")).doesNotExist();
            byte[] tail = readAll(store, cut.plus(-2), 12);
            assertThat(tail).containsExactly(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            // Appending continues at the cut.
            store.append(cut, ByteBuffer.wrap(new byte[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6}));
            assertThat(dir.resolve("000000010000000000000001")).exists();
            assertThat(readAll(store, cut, 11)[10]).isEqualTo((byte) 6);
        }
    }

    @Test
    void removeBeforeDeletesOnlyWholeOlderSegments() throws Exception {
        Lsn start = Lsn.of(SEG);
        try (SegmentStore store = new SegmentStore(dir, 1, SEG, start)) {
            store.append(start, ByteBuffer.wrap(new byte[3 * SEG + 1]));
            store.force();
            assertThat(store.removeBefore(start.plus(2L * SEG + 5))).isEqualTo(2);
            assertThat(store.listSegments().keySet()).containsExactly(3L, 4L);
            assertThat(store.oldestSegmentStart()).isEqualTo(Lsn.of(3L * SEG));
            // Never the segment holding the written end, whatever is asked.
            assertThat(store.removeBefore(Lsn.of(100L * SEG))).isEqualTo(1);
            assertThat(store.listSegments().keySet()).containsExactly(4L);
            assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".tmp")))
                    .isEmpty();
        }
    }

    private static byte[] readAll(SegmentStore store, Lsn from, int len) throws Exception {
        byte[] out = new byte[len];
        int done = 0;
        while (done < len) {
            int n = store.read(from.plus(done), out, done, len - done);
            assertThat(n).isPositive();
            done += n;
        }
        return out;
    }
}
