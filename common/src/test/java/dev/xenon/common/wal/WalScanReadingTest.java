package dev.xenon.common.wal;

import static dev.xenon.common.wal.ScanSupport.COMMIT_MICROS;
import static dev.xenon.common.wal.ScanSupport.COMMIT_TIME;
import static dev.xenon.common.wal.ScanSupport.CRC;
import static dev.xenon.common.wal.ScanSupport.CRC_BODIES;
import static dev.xenon.common.wal.ScanSupport.randomBytes;
import static dev.xenon.common.wal.ScanSupport.scanAll;
import static dev.xenon.common.wal.ScanSupport.starts;
import static dev.xenon.common.wal.SyntheticWal.PAGE;
import static dev.xenon.common.wal.SyntheticWal.SEGMENT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.wal.SyntheticWal.Appended;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WalScanReadingTest {

    @Test
    void recordCutByTheLimitIsReturnedOnceTheLimitAllowsIt() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended big = wal.append(
                ResourceManagers.RM_HEAP_ID,
                0,
                101,
                RecordPayload.mainData(randomBytes(20_000, 15)).encode());

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base(), CRC);

        assertThat(scanner.next(big.start().plus(12_000))).map(WalRecord::start).contains(a.start());
        assertThat(scanner.next(big.start().plus(12_000))).isEmpty();
        assertThat(scanner.endReason()).contains(WalEndReason.INCOMPLETE_RECORD);
        assertThat(scanner.next(big.end().plus(-1))).isEmpty();
        assertThat(scanner.endReason()).contains(WalEndReason.INCOMPLETE_RECORD);
        assertThat(scanner.endLsn()).isEqualTo(a.end());
        assertThat(scanner.next(big.end())).map(WalRecord::start).contains(big.start());
        assertThat(scanner.endReason()).isEmpty();
        assertThat(scanner.endLsn()).isEqualTo(big.end());
    }

    @Test
    void resumesWhenTheSourceGrows() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended big = wal.append(
                ResourceManagers.RM_HEAP_ID,
                0,
                101,
                RecordPayload.mainData(randomBytes(20_000, 16)).encode());
        byte[] all = wal.bytes();
        AtomicInteger visible = new AtomicInteger(wal.index(big.start()) + 9000);
        WalSource growing = (position, dst, off, len) -> {
            int from = (int) position.minus(wal.base());
            int n = Math.min(len, visible.get() - from);
            if (n <= 0) {
                return -1;
            }
            System.arraycopy(all, from, dst, off, n);
            return n;
        };
        WalRecordScanner scanner = new WalRecordScanner(growing, SEGMENT_SIZE, wal.base(), CRC);

        assertThat(scanner.next()).map(WalRecord::start).contains(a.start());
        assertThat(scanner.next()).isEmpty();
        assertThat(scanner.endReason()).contains(WalEndReason.INCOMPLETE_RECORD);

        visible.set(all.length);
        assertThat(scanner.next()).map(WalRecord::start).contains(big.start());
        assertThat(scanner.next()).isEmpty();
        assertThat(scanner.endReason()).contains(WalEndReason.ZEROS);
    }

    @Test
    void resumesWhenZerosAreOverwritten() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended b = wal.appendCommit(101, COMMIT_MICROS);
        byte[] written = wal.bytes();
        byte[] file = new byte[SEGMENT_SIZE]; // pre-allocated segment, a's bytes written so far
        System.arraycopy(written, 0, file, 0, wal.index(a.end()));
        WalRecordScanner scanner =
                new WalRecordScanner(new ByteArrayWalSource(wal.base(), file), SEGMENT_SIZE, wal.base(), CRC);

        assertThat(scanner.next()).map(WalRecord::start).contains(a.start());
        assertThat(scanner.next()).isEmpty();
        assertThat(scanner.endReason()).contains(WalEndReason.ZEROS);

        System.arraycopy(written, 0, file, 0, wal.index(b.end()));
        assertThat(scanner.next()).map(WalRecord::commitTimestamp).contains(Optional.of(COMMIT_TIME));
        assertThat(scanner.endLsn()).isEqualTo(b.end());
    }

    @Test
    void buffersAndShortReadsDoNotChangeTheResult() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Random random = new Random(17);
        for (int i = 0; i < 120; i++) {
            int kind = random.nextInt(10);
            if (kind == 0) {
                wal.appendCommit(1000 + i, COMMIT_MICROS + i);
            } else if (kind == 1 && i > 60 && i < 70) {
                wal.appendSwitch();
            } else {
                wal.append(
                        ResourceManagers.RM_HEAP_ID,
                        0,
                        1000 + i,
                        RecordPayload.mainData(randomBytes(1 + random.nextInt(kind < 8 ? 300 : 12_000), i))
                                .encode());
            }
        }
        byte[] bytes = wal.bytes();
        WalSource dribbling = (position, dst, off, len) -> {
            long from = position.minus(wal.base());
            if (from >= bytes.length) {
                return 0;
            }
            int n = (int) Math.min(Math.min(len, 1000), bytes.length - from);
            System.arraycopy(bytes, (int) from, dst, off, n);
            return n;
        };

        List<WalRecord> reference = scanAll(new ByteArrayWalSource(wal.base(), bytes), wal.base(), CRC_BODIES);
        List<WalRecord> onePage =
                scanAll(new ByteArrayWalSource(wal.base(), bytes), wal.base(), CRC_BODIES.withBufferSize(PAGE));
        List<WalRecord> shortReads = scanAll(dribbling, wal.base(), CRC_BODIES.withBufferSize(1 << 20));

        assertThat(reference).hasSize(120);
        assertThat(reference.get(119).end()).isEqualTo(wal.end());
        assertThat(starts(onePage)).isEqualTo(starts(reference));
        assertThat(starts(shortReads)).isEqualTo(starts(reference));
        for (int i = 0; i < reference.size(); i++) {
            assertThat(shortReads.get(i).body()).isEqualTo(reference.get(i).body());
            assertThat(onePage.get(i).end()).isEqualTo(reference.get(i).end());
        }
    }

    @Test
    void readsTheSourceInBufferSizedChunks() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        while (wal.insertPosition().minus(wal.base()) < 4L * SEGMENT_SIZE) {
            wal.appendSmall(100);
        }
        ByteArrayWalSource bytes = wal.source();
        AtomicInteger reads = new AtomicInteger();
        WalSource counting = (position, dst, off, len) -> {
            reads.incrementAndGet();
            return bytes.read(position, dst, off, len);
        };

        List<WalRecord> records = scanAll(counting, wal.base(), CRC.withBufferSize(64 * 1024));

        assertThat(records).hasSizeGreaterThan(5000);
        assertThat(reads.get()).isLessThanOrEqualTo(4 + 2);
    }
}
