package dev.xenon.common.wal;

import dev.xenon.common.Lsn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Test-side WAL writer laying records out as Postgres' XLogInsertRecord / CopyXLogRecordToWAL do: a
 * page header on every page when first used (long on a segment's first page), records at 8-aligned
 * positions, records continuing on the next page after its header with XLP_FIRST_IS_CONTRECORD and
 * xlp_rem_len, a record ending exactly on a page boundary leaving the next page header to the next
 * record, CRC-32C per record, and XLOG_SWITCH consuming the rest of the segment (left zero).
 */
final class SyntheticWal {

    static final int PAGE = Lsn.WAL_PAGE_SIZE;
    static final int SEGMENT_SIZE = 64 * 1024;
    static final long SYSTEM_ID = 7_310_000_000_000_000_123L;

    /** Where a record landed. */
    record Appended(Lsn start, Lsn end, int totalLength) {}

    private final int segmentSize;
    private final long base;
    private byte[] data = new byte[4 * PAGE];
    private int magic = WalPageHeader.MAGIC_PG15;
    private int timeline = 1;
    private long insert;
    private long initializedUpTo;
    private long prevStart;
    private long lastStart;

    /** WAL starting at the first byte of the segment at {@code segmentStart}. */
    SyntheticWal(int segmentSize, Lsn segmentStart) {
        if (segmentStart.segmentOffset(segmentSize) != 0) {
            throw new IllegalArgumentException("not a segment start: " + segmentStart);
        }
        this.segmentSize = segmentSize;
        this.base = segmentStart.value();
        this.insert = base;
        this.initializedUpTo = base;
        this.prevStart = base - 0x1000 + 0x28; // a plausible record in an earlier segment
    }

    static SyntheticWal atSegment(long segmentNumber) {
        return new SyntheticWal(SEGMENT_SIZE, Lsn.of(segmentNumber * SEGMENT_SIZE));
    }

    SyntheticWal magic(int magic) {
        this.magic = magic;
        return this;
    }

    Lsn base() {
        return Lsn.of(base);
    }

    int segmentSize() {
        return segmentSize;
    }

    /** Where the next record will start (a page boundary means: after that page's header). */
    Lsn insertPosition() {
        return Lsn.of(insert);
    }

    /** The end of the last record appended. */
    Lsn end() {
        return Lsn.of(insert);
    }

    Appended append(int rmid, int info, int xid, byte[] payload) {
        return appendWithPrev(rmid, info, xid, payload, prevStart);
    }

    /** A record with main data only and exactly {@code totalLength} bytes. */
    Appended appendOfLength(int totalLength) {
        return append(ResourceManagers.RM_HEAP_ID, 0x00, 700, RecordPayload.ofTotalLength(totalLength, (byte) 0x5A));
    }

    /** A small heap-like record. */
    Appended appendSmall(int xid) {
        return append(
                ResourceManagers.RM_HEAP_ID,
                0x00,
                xid,
                RecordPayload.mainData(new byte[] {1, 2, 3, 4, 5}).encode());
    }

    Appended appendCommit(int xid, long postgresMicros) {
        return append(
                ResourceManagers.RM_XACT_ID,
                ResourceManagers.XLOG_XACT_COMMIT,
                xid,
                RecordPayload.mainData(RecordPayload.xactTime(postgresMicros)).encode());
    }

    Appended appendSwitch() {
        return append(ResourceManagers.RM_XLOG_ID, ResourceManagers.XLOG_SWITCH, 0, new byte[0]);
    }

    /**
     * Appends one main-data record sized so that the record after it starts at {@code pageOffset}
     * (8-aligned, at least the page header size) of the current or a following page.
     */
    Appended padUntilPageOffset(int pageOffset) {
        long s = recordStartFor(insert);
        int off = (int) (s % PAGE);
        if (pageOffset - off >= WalRecord.HEADER_SIZE) {
            return appendOfLength(pageOffset - off);
        }
        long page = s - off;
        int length = PAGE - off;
        while (true) {
            page += PAGE;
            int total = length + pageOffset - headerSize(page);
            if (total >= WalRecord.HEADER_SIZE) {
                return appendOfLength(total);
            }
            length += PAGE - headerSize(page);
        }
    }

    Appended appendWithPrev(int rmid, int info, int xid, byte[] payload, long prev) {
        int total = WalRecord.HEADER_SIZE + payload.length;
        byte[] record = new byte[total];
        ByteBuffer header = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0, total);
        header.putInt(4, xid);
        header.putLong(8, prev);
        record[16] = (byte) info;
        record[17] = (byte) rmid;
        System.arraycopy(payload, 0, record, WalRecord.HEADER_SIZE, payload.length);
        CRC32C crc = new CRC32C();
        crc.update(record, WalRecord.HEADER_SIZE, total - WalRecord.HEADER_SIZE);
        crc.update(record, 0, 20);
        header.putInt(20, (int) crc.getValue());

        long pos = recordStartFor(insert);
        if (pos != insert) {
            initPage(insert, 0);
        }
        long start = pos;
        int done = 0;
        while (done < total) {
            if (pos % PAGE == 0) {
                initPage(pos, total - done);
                pos += headerSize(pos);
            }
            int n = (int) Math.min(total - done, PAGE - pos % PAGE);
            ensure(pos + n);
            System.arraycopy(record, done, data, (int) (pos - base), n);
            done += n;
            pos += n;
        }
        long end = (pos + 7) & ~7L;
        if (rmid == ResourceManagers.RM_XLOG_ID && (info & 0xF0) == ResourceManagers.XLOG_SWITCH) {
            end = (end + segmentSize - 1) / segmentSize * segmentSize;
        }
        ensure(end);
        insert = end;
        prevStart = start;
        lastStart = start;
        return new Appended(Lsn.of(start), Lsn.of(end), total);
    }

    Lsn lastRecordStart() {
        return Lsn.of(lastStart);
    }

    /** The WAL written so far, through the end of the last page touched (zeros after the last record). */
    byte[] bytes() {
        long pagesEnd = Math.max((insert + PAGE - 1) / PAGE * PAGE, initializedUpTo);
        return Arrays.copyOf(data, (int) (pagesEnd - base));
    }

    /** The WAL written so far, cut at {@code end} (a torn write). */
    byte[] bytesUpTo(Lsn end) {
        return Arrays.copyOf(data, (int) (end.value() - base));
    }

    ByteArrayWalSource source() {
        return new ByteArrayWalSource(base(), bytes());
    }

    /** Index of {@code lsn} in {@link #bytes()}. */
    int index(Lsn lsn) {
        return (int) (lsn.value() - base);
    }

    /** Makes the next pages start a new timeline (as after a promotion). */
    void setTimeline(int timeline) {
        this.timeline = timeline;
    }

    /**
     * Writes the page header at {@code page} as if Postgres had restarted after a crash that tore the
     * record continuing onto this page: XLP_FIRST_IS_OVERWRITE_CONTRECORD, no continuation. The next
     * record starts after this header with prev = {@code prev}.
     */
    void overwriteContrecordAt(Lsn page, long prev) {
        long p = page.value();
        Arrays.fill(data, (int) (p - base), (int) Math.min(data.length, p - base + PAGE), (byte) 0);
        initializedUpTo = p;
        writePageHeader(p, WalPageHeader.XLP_FIRST_IS_OVERWRITE_CONTRECORD, 0);
        initializedUpTo = p + PAGE;
        insert = p + headerSize(p);
        prevStart = prev;
    }

    private long recordStartFor(long position) {
        return position % PAGE == 0 ? position + headerSize(position) : position;
    }

    private int headerSize(long page) {
        return page % segmentSize == 0 ? WalPageHeader.LONG_SIZE : WalPageHeader.SHORT_SIZE;
    }

    private void initPage(long page, int remaining) {
        if (page < initializedUpTo) {
            return;
        }
        writePageHeader(page, remaining > 0 ? WalPageHeader.XLP_FIRST_IS_CONTRECORD : 0, remaining);
        initializedUpTo = page + PAGE;
    }

    private void writePageHeader(long page, int flags, int remaining) {
        ensure(page + PAGE);
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) (page - base);
        int info = flags | WalPageHeader.XLP_BKP_REMOVABLE;
        if (page % segmentSize == 0) {
            info |= WalPageHeader.XLP_LONG_HEADER;
        }
        b.putShort(at, (short) magic);
        b.putShort(at + 2, (short) info);
        b.putInt(at + 4, timeline);
        b.putLong(at + 8, page);
        b.putInt(at + 16, remaining);
        if ((info & WalPageHeader.XLP_LONG_HEADER) != 0) {
            b.putLong(at + 24, SYSTEM_ID);
            b.putInt(at + 32, segmentSize);
            b.putInt(at + 36, PAGE);
        }
    }

    private void ensure(long upTo) {
        long need = upTo - base;
        if (need > data.length) {
            data = Arrays.copyOf(data, (int) Math.max(need, 2L * data.length));
        }
    }
}
