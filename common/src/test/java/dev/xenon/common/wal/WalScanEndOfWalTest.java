package dev.xenon.common.wal;

import static dev.xenon.common.wal.ScanSupport.COMMIT_MICROS;
import static dev.xenon.common.wal.ScanSupport.CRC;
import static dev.xenon.common.wal.ScanSupport.NO_CRC;
import static dev.xenon.common.wal.ScanSupport.randomBytes;
import static dev.xenon.common.wal.ScanSupport.scanAll;
import static dev.xenon.common.wal.ScanSupport.starts;
import static dev.xenon.common.wal.SyntheticWal.PAGE;
import static dev.xenon.common.wal.SyntheticWal.SEGMENT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xenon.common.Lsn;
import dev.xenon.common.wal.SyntheticWal.Appended;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalScanEndOfWalTest {

    @Test
    void tornTailEndsAtThePreviousRecord() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        Appended b = wal.appendCommit(100, COMMIT_MICROS);
        Appended c = wal.append(
                ResourceManagers.RM_HEAP_ID,
                0,
                101,
                RecordPayload.mainData(randomBytes(15_000, 4)).encode());
        ByteArrayWalSource torn =
                new ByteArrayWalSource(wal.base(), wal.bytesUpTo(c.start().plus(10_000)));

        WalRecordScanner scanner = new WalRecordScanner(torn, SEGMENT_SIZE, wal.base(), CRC);
        List<WalRecord> records = scanAll(scanner);

        assertThat(records).hasSize(2);
        assertThat(scanner.endReason()).contains(WalEndReason.INCOMPLETE_RECORD);
        assertThat(scanner.endLsn()).isEqualTo(b.end());
        assertThat(WalRecordScanner.findEndOfWal(torn, SEGMENT_SIZE, wal.base(), Lsn.of(-1)))
                .isEqualTo(b.end());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 10, 24, 30})
    void recordCutInsideItsFirstBytesIsIncomplete(int keep) throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended b = wal.appendSmall(101);
        ByteArrayWalSource torn =
                new ByteArrayWalSource(wal.base(), wal.bytesUpTo(b.start().plus(keep)));

        WalRecordScanner scanner = new WalRecordScanner(torn, SEGMENT_SIZE, wal.base(), CRC);

        assertThat(starts(scanAll(scanner))).containsExactly(a.start());
        assertThat(scanner.endReason()).contains(WalEndReason.INCOMPLETE_RECORD);
        assertThat(scanner.endLsn()).isEqualTo(a.end());
    }

    @Test
    void zeroedContinuationPageIsAnIncompleteRecord() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendOfLength(6000);
        Appended big = wal.append(
                ResourceManagers.RM_HEAP_ID,
                0,
                101,
                RecordPayload.mainData(randomBytes(9_000, 5)).encode());
        byte[] bytes = wal.bytes();
        Lsn page1 = wal.base().plus(PAGE);
        Arrays.fill(bytes, wal.index(page1), bytes.length, (byte) 0);

        WalRecordScanner scanner =
                new WalRecordScanner(new ByteArrayWalSource(wal.base(), bytes), SEGMENT_SIZE, wal.base(), CRC);
        List<WalRecord> records = scanAll(scanner);

        assertThat(starts(records)).containsExactly(a.start());
        assertThat(big.start()).isLessThan(page1);
        assertThat(scanner.endReason()).contains(WalEndReason.INCOMPLETE_RECORD);
        assertThat(scanner.endDetail()).contains("zeros");
        assertThat(scanner.endLsn()).isEqualTo(a.end());
    }

    @Test
    void zerosAfterTheLastRecordEndWal() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        Appended last = wal.appendSmall(101);
        byte[] segment = Arrays.copyOf(wal.bytes(), SEGMENT_SIZE); // a pre-allocated, zero-filled file

        WalRecordScanner scanner =
                new WalRecordScanner(new ByteArrayWalSource(wal.base(), segment), SEGMENT_SIZE, wal.base(), CRC);

        assertThat(scanAll(scanner)).hasSize(2);
        assertThat(scanner.endReason()).contains(WalEndReason.ZEROS);
        assertThat(scanner.endDetail()).contains("wanted 24, got 0");
        assertThat(scanner.endLsn()).isEqualTo(last.end());
    }

    @Test
    void zeroPageWhereTheNextRecordWouldStartEndsWal() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        Appended filler = wal.appendOfLength(PAGE - wal.insertPosition().pageOffset());
        byte[] segment = Arrays.copyOf(wal.bytes(), SEGMENT_SIZE);

        WalRecordScanner scanner =
                new WalRecordScanner(new ByteArrayWalSource(wal.base(), segment), SEGMENT_SIZE, wal.base(), CRC);

        assertThat(scanAll(scanner)).hasSize(2);
        assertThat(scanner.endReason()).contains(WalEndReason.ZEROS);
        assertThat(scanner.endLsn()).isEqualTo(filler.end());
    }

    @Test
    void dataEndingExactlyAtARecordEndIsEndOfData() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        Appended b = wal.appendSmall(101);
        ByteArrayWalSource source = new ByteArrayWalSource(wal.base(), wal.bytesUpTo(b.end()));

        WalRecordScanner scanner = new WalRecordScanner(source, SEGMENT_SIZE, wal.base(), CRC);

        assertThat(scanAll(scanner)).hasSize(2);
        assertThat(scanner.endReason()).contains(WalEndReason.END_OF_DATA);
        assertThat(scanner.endLsn()).isEqualTo(b.end());
    }

    @Test
    void flippedBodyByteIsABadCrcWithValidationAndAcceptedWithout() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended b = wal.append(
                ResourceManagers.RM_HEAP_ID,
                0,
                101,
                RecordPayload.mainData(randomBytes(300, 6)).encode());
        Appended c = wal.appendSmall(102);
        byte[] bytes = wal.bytes();
        bytes[wal.index(b.start()) + 200] ^= 0x01;
        ByteArrayWalSource source = new ByteArrayWalSource(wal.base(), bytes);

        WalRecordScanner validating = new WalRecordScanner(source, SEGMENT_SIZE, wal.base(), CRC);
        List<WalRecord> checked = scanAll(validating);
        List<WalRecord> unchecked = scanAll(source, wal.base(), NO_CRC);

        assertThat(starts(checked)).containsExactly(a.start());
        assertThat(validating.endReason()).contains(WalEndReason.BAD_CRC);
        assertThat(validating.endLsn()).isEqualTo(a.end());
        assertThat(starts(unchecked)).containsExactly(a.start(), b.start(), c.start());
        assertThat(WalRecordScanner.findEndOfWal(source, SEGMENT_SIZE, wal.base(), Lsn.of(-1)))
                .isEqualTo(a.end());
    }

    @Test
    void flippedHeaderByteIsABadCrc() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended b = wal.appendSmall(101);
        byte[] bytes = wal.bytes();
        bytes[wal.index(b.start()) + 4] ^= 0x40; // xl_xid

        WalRecordScanner scanner =
                new WalRecordScanner(new ByteArrayWalSource(wal.base(), bytes), SEGMENT_SIZE, wal.base(), CRC);

        assertThat(starts(scanAll(scanner))).containsExactly(a.start());
        assertThat(scanner.endReason()).contains(WalEndReason.BAD_CRC);
    }

    @Test
    void crcCoversTheBytesOnContinuationPages() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended big = wal.append(
                ResourceManagers.RM_HEAP_ID,
                0,
                101,
                RecordPayload.mainData(randomBytes(20_000, 7)).encode());
        byte[] bytes = wal.bytes();
        bytes[wal.index(big.start()) + 2 * PAGE + 100] ^= (byte) 0x80; // on the third page

        WalRecordScanner scanner =
                new WalRecordScanner(new ByteArrayWalSource(wal.base(), bytes), SEGMENT_SIZE, wal.base(), CRC);

        assertThat(starts(scanAll(scanner))).containsExactly(a.start());
        assertThat(scanner.endReason()).contains(WalEndReason.BAD_CRC);
    }

    @Test
    void findEndOfWalStopsAtTheLimit() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        Appended b = wal.appendSmall(101);
        Appended c = wal.appendSmall(102);

        assertThat(WalRecordScanner.findEndOfWal(
                        wal.source(), SEGMENT_SIZE, wal.base(), c.end().plus(-1)))
                .isEqualTo(b.end());
        assertThat(WalRecordScanner.findEndOfWal(wal.source(), SEGMENT_SIZE, wal.base(), c.end()))
                .isEqualTo(c.end());
    }
}
