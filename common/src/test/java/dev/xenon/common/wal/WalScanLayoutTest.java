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

import dev.xenon.common.Lsn;
import dev.xenon.common.wal.SyntheticWal.Appended;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalScanLayoutTest {

    @Test
    void recordsWithinOnePage() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended b = wal.appendCommit(100, COMMIT_MICROS);
        Appended c = wal.appendSmall(101);

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base(), CRC);
        List<WalRecord> records = scanAll(scanner);

        assertThat(a.start()).isEqualTo(Lsn.parse("0/50028")); // after the 40-byte long header
        assertThat(starts(records)).containsExactly(a.start(), b.start(), c.start());
        WalRecord first = records.get(0);
        assertThat(first.end()).isEqualTo(Lsn.parse("0/50048")); // 0x28 + 24 + 7 = 0x47, aligned
        assertThat(first.totalLength()).isEqualTo(31);
        assertThat(first.xid()).isEqualTo(100);
        assertThat(first.rmid()).isEqualTo(ResourceManagers.RM_HEAP_ID);
        assertThat(first.rmgrName()).isEqualTo("Heap");
        assertThat(first.hasBody()).isFalse();
        assertThat(records.get(1).prev()).isEqualTo(a.start());
        assertThat(records.get(1).end()).isEqualTo(b.end());
        assertThat(records.get(2).prev()).isEqualTo(b.start());
        assertThat(scanner.endLsn()).isEqualTo(c.end());
        assertThat(scanner.endReason()).contains(WalEndReason.ZEROS);
        assertThat(scanner.pageMagic()).hasValue(WalPageHeader.MAGIC_PG15);
        assertThat(scanner.systemIdentifier()).hasValue(SyntheticWal.SYSTEM_ID);
    }

    @Test
    void recordSpanningSeveralPagesIsReassembledWithoutPageHeaders() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        byte[] payload = randomBytes(20_000, 1);
        Appended big = wal.append(
                ResourceManagers.RM_LOGICALMSG_ID,
                0,
                101,
                RecordPayload.mainData(payload).encode());
        Appended after = wal.appendSmall(102);

        List<WalRecord> records = scanAll(wal.source(), wal.base(), CRC_BODIES);

        assertThat(starts(records)).containsExactly(a.start(), big.start(), after.start());
        WalRecord r = records.get(1);
        // 20,000 payload + 5 main data header + 24 header, crossing two page headers of 24 bytes
        assertThat(r.totalLength()).isEqualTo(20_029);
        long lastByte = r.start().value() + 20_029 + 2 * 24;
        assertThat(r.end()).isEqualTo(Lsn.of((lastByte + 7) & ~7L));
        assertThat(r.end().value() / PAGE).isEqualTo(r.start().value() / PAGE + 2);
        assertThat(r.body()).hasSize(20_029);
        byte[] mainData = new byte[r.mainData().remaining()];
        r.mainData().get(mainData);
        assertThat(mainData).isEqualTo(payload);
        assertThat(r.blocks()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {8168, 8176, 8184})
    void headerSplitAcrossPageBoundary(int pageOffset) throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        wal.padUntilPageOffset(pageOffset);
        Appended commit = wal.appendCommit(777, COMMIT_MICROS);
        Appended after = wal.appendSmall(778);
        assertThat(commit.start().pageOffset()).isEqualTo(pageOffset);

        List<WalRecord> records = scanAll(wal.source(), wal.base(), CRC_BODIES);

        WalRecord r = records.get(records.size() - 2);
        assertThat(r.start()).isEqualTo(commit.start());
        assertThat(r.xid()).isEqualTo(777);
        assertThat(r.isCommit()).isTrue();
        assertThat(r.commitTimestamp()).contains(COMMIT_TIME);
        // 34 bytes crossing one page header of 24
        assertThat(r.end()).isEqualTo(Lsn.of((commit.start().value() + 34 + 24 + 7) & ~7L));
        assertThat(records.get(records.size() - 1).start()).isEqualTo(after.start());
    }

    @Test
    void recordEndingExactlyOnPageBoundaryEndsThereAndTheNextStartsAfterTheHeader() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        int offset = wal.insertPosition().pageOffset();
        Appended filler = wal.appendOfLength(PAGE - offset);
        Appended next = wal.appendSmall(101);
        assertThat(filler.end().isPageBoundary()).isTrue();

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base(), CRC);
        List<WalRecord> records = scanAll(scanner);

        assertThat(records.get(1).end())
                .isEqualTo(filler.end())
                .isEqualTo(wal.base().plus(PAGE));
        assertThat(records.get(2).start()).isEqualTo(filler.end().plus(24));
        assertThat(records.get(2).start()).isEqualTo(next.start());
        assertThat(records.get(2).prev()).isEqualTo(filler.start());
    }

    @Test
    void recordEndingOnPageBoundaryIsReturnedAtThatLimitAndTheScanStopsThere() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        Appended filler = wal.appendOfLength(PAGE - wal.insertPosition().pageOffset());
        wal.appendSmall(101);

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base(), CRC);

        assertThat(scanner.next(filler.end())).isPresent();
        assertThat(scanner.next(filler.end())).map(WalRecord::end).contains(filler.end());
        assertThat(scanner.next(filler.end())).isEmpty();
        assertThat(scanner.endReason()).contains(WalEndReason.LIMIT_REACHED);
        assertThat(scanner.endLsn()).isEqualTo(filler.end());
    }

    @Test
    void recordSpanningSegmentsContinuesAfterTheLongHeader() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        while (wal.insertPosition().segmentOffset(SEGMENT_SIZE) < SEGMENT_SIZE - PAGE) {
            wal.appendOfLength(4000);
        }
        byte[] payload = randomBytes(12_000, 2);
        Appended big = wal.append(
                ResourceManagers.RM_HEAP_ID,
                0,
                55,
                RecordPayload.mainData(payload).encode());
        Appended after = wal.appendSmall(56);
        Lsn nextSegment = wal.base().plus(SEGMENT_SIZE);
        assertThat(big.start()).isLessThan(nextSegment);
        assertThat(big.end()).isGreaterThan(nextSegment);

        List<WalRecord> records = scanAll(wal.source(), wal.base(), CRC_BODIES);

        WalRecord r = records.stream()
                .filter(x -> x.start().equals(big.start()))
                .findFirst()
                .orElseThrow();
        assertThat(r.end()).isEqualTo(big.end());
        ByteBuffer main = r.mainData();
        byte[] got = new byte[main.remaining()];
        main.get(got);
        assertThat(got).isEqualTo(payload);
        assertThat(records.get(records.size() - 1).start()).isEqualTo(after.start());
    }

    @Test
    void switchRecordEndsAtTheSegmentEndAndTheNextRecordIsInTheNextSegment() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        Appended a = wal.appendSmall(100);
        Appended sw = wal.appendSwitch();
        Appended b = wal.appendCommit(101, COMMIT_MICROS);
        Lsn nextSegment = wal.base().plus(SEGMENT_SIZE);

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base(), CRC);
        List<WalRecord> records = scanAll(scanner);

        assertThat(starts(records)).containsExactly(a.start(), sw.start(), b.start());
        assertThat(records.get(1).isSwitch()).isTrue();
        assertThat(records.get(1).end()).isEqualTo(nextSegment);
        assertThat(records.get(2).start()).isEqualTo(nextSegment.plus(40));
        assertThat(records.get(2).prev()).isEqualTo(sw.start());
        assertThat(scanner.endLsn()).isEqualTo(b.end());
    }

    @Test
    void switchRecordIsCompleteOnlyWithTheRestOfItsSegment() throws IOException {
        SyntheticWal wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        Appended sw = wal.appendSwitch();

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base(), CRC);
        assertThat(scanner.next()).isPresent();
        assertThat(scanner.next(sw.start().plus(24))).isEmpty();
        assertThat(scanner.endReason()).contains(WalEndReason.INCOMPLETE_RECORD);

        assertThat(scanner.next(sw.end())).map(WalRecord::end).contains(sw.end());
        assertThat(scanner.next()).isEmpty();
        assertThat(scanner.endReason()).contains(WalEndReason.END_OF_DATA);
        assertThat(scanner.endLsn()).isEqualTo(wal.base().plus(SEGMENT_SIZE));
    }
}
