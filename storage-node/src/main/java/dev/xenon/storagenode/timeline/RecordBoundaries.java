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
 * is a boundary exactly when one of them ends there, or when that tail does (its length is in the
 * page header). Costs one page or a few of reading.
 *
 * <p>Postgres reports an insert position that falls on a page boundary as the position after that
 * page's header ({@code pg_current_wal_insert_lsn()} right after a commit that filled a page): such
 * an LSN counts as the boundary it stands for.
 *
 * <p>A WAL switch record ({@code pg_switch_wal()}, {@code archive_timeout}) ends at the next segment
 * boundary: the rest of its segment holds no records. A segment boundary is therefore checked by
 * walking back page by page to the last page that holds a record and asking whether that page's
 * last record ends at the boundary.
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
        if (continuationEndsAt(wal, page, lsn)) {
            return true;
        }
        if (lsn.segmentOffset(segmentSize) != 0) {
            return recordsFrom(wal, Lsn.of(page), lsn, segmentSize) == RecordsEnd.AT_LIMIT;
        }
        long segmentStart = lsn.value() - segmentSize;
        for (; page >= segmentStart && page >= wal.start().value(); page -= Lsn.WAL_PAGE_SIZE) {
            RecordsEnd found = recordsFrom(wal, Lsn.of(page), lsn, segmentSize);
            if (found != RecordsEnd.NONE) {
                return found == RecordsEnd.AT_LIMIT;
            }
        }
        return false;
    }

    /**
     * Whether the page begins with the rest of a record from earlier pages ({@code
     * XLP_FIRST_IS_CONTRECORD}) that ends, MAXALIGNed as the next record would start, at {@code lsn}.
     * The scanner skips such a rest, so the record that ends there is not among the ones it reports.
     */
    private static boolean continuationEndsAt(WalView wal, long page, Lsn lsn) throws IOException {
        byte[] buf = new byte[WalPageHeader.LONG_SIZE];
        wal.readFully(Lsn.of(page), buf, 0, buf.length);
        WalPageHeader header = WalPageHeader.parse(buf, 0);
        if (!header.isFirstContRecord()) {
            return false;
        }
        long end = page + header.size() + ((header.remainingLength() + 7) & ~7L);
        return end == lsn.value();
    }

    private enum RecordsEnd {
        NONE,
        AT_LIMIT,
        ELSEWHERE
    }

    /** Whether records start on {@code page} (or after it, before {@code limit}) and where the last of them ends. */
    private static RecordsEnd recordsFrom(WalView wal, Lsn page, Lsn limit, int segmentSize) throws IOException {
        WalRecordScanner scanner = new WalRecordScanner(
                wal, segmentSize, page, WalScanOptions.defaults().withBufferSize(4 * Lsn.WAL_PAGE_SIZE));
        Optional<WalRecord> record;
        RecordsEnd found = RecordsEnd.NONE;
        while ((record = scanner.next(limit)).isPresent()) {
            if (record.get().end().equals(limit)) {
                return RecordsEnd.AT_LIMIT;
            }
            found = RecordsEnd.ELSEWHERE;
        }
        return found;
    }
}
