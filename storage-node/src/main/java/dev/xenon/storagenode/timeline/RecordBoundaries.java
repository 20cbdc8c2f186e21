package dev.xenon.storagenode.timeline;

import dev.xenon.common.Lsn;
import dev.xenon.common.wal.WalPageHeader;
import dev.xenon.common.wal.WalRecord;
import dev.xenon.common.wal.WalRecordScanner;
import dev.xenon.common.wal.WalScanOptions;
import java.io.IOException;
import java.util.Optional;

/**
 * Whether an LSN is the end of a WAL record: the only places a compute can start (a branch point,
 * a basebackup LSN). Checked by scanning from the start of the WAL page holding the byte before it:
 * the scanner skips the tail of a record continued from earlier pages, then walks records; the LSN
 * is a boundary exactly when one of them ends there. Costs one page or a few of reading.
 *
 * <p>Postgres reports an insert position that falls on a page boundary as the position after that
 * page's header ({@code pg_current_wal_insert_lsn()} right after a commit that filled a page): such
 * an LSN counts as the boundary it stands for.
 */
public final class RecordBoundaries {

    private RecordBoundaries() {}

    public static boolean isRecordEnd(WalView wal, Lsn lsn, int segmentSize) throws IOException {
        int pageOffset = lsn.pageOffset();
        int header =
                lsn.segmentOffset(segmentSize) < Lsn.WAL_PAGE_SIZE ? WalPageHeader.LONG_SIZE : WalPageHeader.SHORT_SIZE;
        if (pageOffset == header && endsAt(wal, Lsn.of(lsn.value() - header), segmentSize)) {
            return true;
        }
        return endsAt(wal, lsn, segmentSize);
    }

    private static boolean endsAt(WalView wal, Lsn lsn, int segmentSize) throws IOException {
        long page = (lsn.value() - 1) & -(long) Lsn.WAL_PAGE_SIZE;
        if (lsn.value() <= 0 || page < wal.start().value()) {
            return false;
        }
        WalRecordScanner scanner = new WalRecordScanner(
                wal, segmentSize, Lsn.of(page), WalScanOptions.defaults().withBufferSize(4 * Lsn.WAL_PAGE_SIZE));
        Optional<WalRecord> record;
        while ((record = scanner.next(lsn)).isPresent()) {
            if (record.get().end().equals(lsn)) {
                return true;
            }
        }
        return false;
    }
}
