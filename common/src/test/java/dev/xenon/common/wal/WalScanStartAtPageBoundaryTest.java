package dev.xenon.common.wal;

import static dev.xenon.common.wal.ScanSupport.COMMIT_MICROS;
import static dev.xenon.common.wal.ScanSupport.CRC;
import static dev.xenon.common.wal.ScanSupport.randomBytes;
import static dev.xenon.common.wal.ScanSupport.scanAll;
import static dev.xenon.common.wal.ScanSupport.starts;
import static dev.xenon.common.wal.SyntheticWal.PAGE;
import static dev.xenon.common.wal.SyntheticWal.SEGMENT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import dev.xenon.common.wal.SyntheticWal.Appended;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalScanStartAtPageBoundaryTest {

    private SyntheticWal wal;
    private Appended big;
    private Appended x;
    private Appended y;

    void build() {
        wal = SyntheticWal.atSegment(5);
        wal.appendSmall(100);
        wal.appendOfLength(5000); // big starts in the second half of page 0
        big = wal.append(
                ResourceManagers.RM_HEAP_ID,
                0,
                101,
                RecordPayload.mainData(randomBytes(12_000, 3)).encode());
        x = wal.appendSmall(102);
        y = wal.appendCommit(102, COMMIT_MICROS);
        assertThat(big.start().value() / PAGE).isEqualTo(wal.base().value() / PAGE);
        assertThat(big.end().value() / PAGE).isEqualTo(wal.base().value() / PAGE + 2);
    }

    @Test
    void skipsTheTailOfAContinuedRecordOnThatPage() throws IOException {
        build();
        Lsn page2 = wal.base().plus(2L * PAGE);

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, page2, CRC);
        List<WalRecord> records = scanAll(scanner);

        assertThat(starts(records)).containsExactly(x.start(), y.start());
        assertThat(records.get(0).prev()).isEqualTo(big.start());
    }

    @Test
    void skipsPagesThatAreEntirelyContinuation() throws IOException {
        build();
        Lsn page1 = wal.base().plus(PAGE);

        WalRecordScanner scanner = new WalRecordScanner(wal.source(), SEGMENT_SIZE, page1, CRC);
        assertThat(scanner.endLsn()).isEqualTo(page1);
        Lsn first = scanner.next().orElseThrow().start();

        assertThat(first).isEqualTo(x.start());
    }

    @Test
    void reportsTheContinuedRecordsEndAsEndLsnBeforeTheFirstRecord() throws IOException {
        build();
        WalRecordScanner scanner =
                new WalRecordScanner(wal.source(), SEGMENT_SIZE, wal.base().plus(PAGE), CRC);

        assertThat(scanner.next(x.start())).isEmpty();

        assertThat(scanner.endReason()).contains(WalEndReason.LIMIT_REACHED);
        assertThat(scanner.endLsn()).isEqualTo(big.end());
    }

    @Test
    void continuationFillingAWholePageAndAFewBytesOfTheNextIsSkipped() throws IOException {
        SyntheticWal w = SyntheticWal.atSegment(5);
        w.appendSmall(100);
        int off = w.insertPosition().pageOffset();
        Appended crossing = w.appendOfLength((PAGE - off) + (PAGE - 24) + 8); // xlp_rem_len 8176 on page 1
        Appended next = w.appendSmall(101);
        Lsn page1 = w.base().plus(PAGE);
        assertThat(next.start()).isEqualTo(page1.plus(PAGE + 32));

        WalRecordScanner scanner = new WalRecordScanner(w.source(), SEGMENT_SIZE, page1, CRC);
        List<WalRecord> records = scanAll(scanner);

        assertThat(starts(records)).containsExactly(next.start());
        assertThat(records.get(0).prev()).isEqualTo(crossing.start());
    }

    @Test
    void pageWithoutContinuationStartsWithARecord() throws IOException {
        SyntheticWal w = SyntheticWal.atSegment(5);
        w.appendSmall(100);
        Appended filler = w.appendOfLength(PAGE - w.insertPosition().pageOffset());
        Appended next = w.appendSmall(101);

        List<WalRecord> fromPage = scanAll(w.source(), filler.end(), CRC);
        List<WalRecord> fromSegment = scanAll(w.source(), w.base(), CRC);

        assertThat(starts(fromPage)).containsExactly(next.start());
        assertThat(fromSegment.get(0).start()).isEqualTo(w.base().plus(40));
    }

    @Test
    void rejectsAStartThatCannotBeARecordStart() {
        SyntheticWal w = SyntheticWal.atSegment(5);
        w.appendSmall(100);
        assertThatThrownBy(() ->
                        new WalRecordScanner(w.source(), SEGMENT_SIZE, w.base().plus(8), CRC))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        new WalRecordScanner(w.source(), SEGMENT_SIZE, w.base().plus(PAGE + 44), CRC))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WalRecordScanner(w.source(), 12_345, w.base(), CRC))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
