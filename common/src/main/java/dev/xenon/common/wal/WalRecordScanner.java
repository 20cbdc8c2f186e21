package dev.xenon.common.wal;

import dev.xenon.common.Lsn;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * Walks WAL records forward through a {@link WalSource}, checking them as Postgres' {@code
 * xlogreader} does, and tells where valid WAL ends (see {@code package-info} for the format).
 *
 * <p>The scan starts either at a record's start, or at any page boundary: then the tail of a record
 * continued from earlier pages ({@code XLP_FIRST_IS_CONTRECORD}, {@code xlp_rem_len}) is skipped to
 * reach the first record that starts on or after that page.
 *
 * <p>{@link #next(Lsn)} returns records one at a time. When it returns none it never throws for bad
 * WAL: it reports {@link #endReason()} and {@link #endDetail()}, and {@link #endLsn()} stays the end
 * of the last good record, which is where valid WAL ends. Nothing is consumed by a call that returns
 * no record, so it can be called again (with a higher limit, or after the source grew) and resumes
 * at the same record. A record abandoned after a crash ({@code XLP_FIRST_IS_OVERWRITE_CONTRECORD} on
 * the page where it should continue) is skipped, as Postgres does.
 *
 * <p>Reads go through an internal buffer of {@link WalScanOptions#bufferSize()} bytes; without
 * bodies, records are not allocated beyond the returned {@link WalRecord}. Not thread-safe.
 */
public final class WalRecordScanner {

    static final int PAGE_SIZE = Lsn.WAL_PAGE_SIZE;
    private static final long PAGE_MASK = PAGE_SIZE - 1;

    /** Largest {@code xl_tot_len} Postgres reads ({@code MaxAllocSize}). */
    public static final int MAX_RECORD_LENGTH = 0x3FFF_FFFF;

    /** A record buffer grown beyond this is dropped after the record, not kept for the next. */
    private static final int RETAINED_RECORD_BUFFER = 16 * 1024 * 1024;

    private static final int DONE = 0;
    private static final int FAILED = 1;
    private static final int ABANDONED = 2;

    private final int segmentSize;
    private final WalScanOptions options;
    private final CRC32C crc = new CRC32C();

    private final WalReadBuffer buffer;
    private byte[] recordBuffer = new byte[PAGE_SIZE];

    /** Where the next record, or the page header in front of it, starts. */
    private long nextRecord;

    private boolean locateFirstRecord;
    private long prevStart;
    private long validEnd;
    private int magic;
    private long systemId;
    private boolean systemIdKnown;
    private int timeline;
    private WalEndReason endReason;
    private String endDetail = "";

    private long recordStart;
    private long cursor;
    private long recordRemaining;

    /**
     * @param segmentSize WAL segment size: a power of two of at least one WAL page (Postgres uses 1
     *     MiB to 1 GiB)
     * @param start a record's start (8-aligned, past its page's header), or any page boundary
     */
    public WalRecordScanner(WalSource source, int segmentSize, Lsn start, WalScanOptions options) {
        Objects.requireNonNull(source, "source");
        this.options = Objects.requireNonNull(options, "options");
        if (segmentSize < PAGE_SIZE || Integer.bitCount(segmentSize) != 1) {
            throw new IllegalArgumentException(
                    "segment size must be a power of two of at least " + PAGE_SIZE + ": " + segmentSize);
        }
        this.segmentSize = segmentSize;
        long s = start.value();
        if (s < 0) {
            throw new IllegalArgumentException("WAL start " + start + " is out of range");
        }
        int pageOffset = (int) (s & PAGE_MASK);
        if (pageOffset != 0) {
            int headerSize =
                    start.segmentOffset(segmentSize) < PAGE_SIZE ? WalPageHeader.LONG_SIZE : WalPageHeader.SHORT_SIZE;
            if (pageOffset % 8 != 0 || pageOffset < headerSize) {
                throw new IllegalArgumentException("WAL start " + start
                        + " is neither a page boundary nor a possible record start (8-aligned, after the page header)");
            }
        }
        this.buffer = new WalReadBuffer(source, options.bufferSize());
        this.nextRecord = s;
        this.validEnd = s;
        this.locateFirstRecord = pageOffset == 0;
    }

    /**
     * Scans from {@code start} with CRC validation up to {@code limit} and returns the end of the
     * last valid record: where a WAL writer should continue after a crash cut off its last write.
     */
    public static Lsn findEndOfWal(WalSource source, int segmentSize, Lsn start, Lsn limit) throws IOException {
        WalRecordScanner scanner = new WalRecordScanner(source, segmentSize, start, WalScanOptions.defaults());
        while (scanner.next(limit).isPresent()) {
            // only the end matters
        }
        return scanner.endLsn();
    }

    /** {@link #next(Lsn)} without a limit: up to the end of the source's data. */
    public Optional<WalRecord> next() throws IOException {
        return next(Lsn.of(-1));
    }

    /**
     * The next record, if it is complete and valid and its {@link WalRecord#end()} is at most {@code
     * limit}; no byte at or after {@code limit} is interpreted (limits of 2^63 and above mean no
     * limit). Otherwise empty, with {@link
     * #endReason()} saying why.
     *
     * @throws IOException when the source fails
     */
    public Optional<WalRecord> next(Lsn limit) throws IOException {
        long lim = limit.value() < 0 ? Long.MAX_VALUE : limit.value();
        WalRecord record = null;
        if (!locateFirstRecord || locateFirstRecord(lim)) {
            record = readRecord(lim);
        }
        if (record == null) {
            buffer.invalidate(); // read again next time: the source may have grown or changed
            return Optional.empty();
        }
        endReason = null;
        endDetail = "";
        return Optional.of(record);
    }

    /**
     * The end of the last record returned ({@link WalRecord#end()}): where valid WAL ends when the
     * scan stopped. Before the first record it is the start, or, for a start at a page boundary, the
     * end of the record continued onto that page.
     */
    public Lsn endLsn() {
        return Lsn.of(validEnd);
    }

    /** Why the last {@link #next} returned no record; empty after it returned one. */
    public Optional<WalEndReason> endReason() {
        return Optional.ofNullable(endReason);
    }

    /** A Postgres-style description of where and why the scan stopped; empty after a record. */
    public String endDetail() {
        return endDetail;
    }

    /** The {@code xlp_magic} of the first page header read, which every later page must carry. */
    public OptionalInt pageMagic() {
        return magic == 0 ? OptionalInt.empty() : OptionalInt.of(magic);
    }

    /** The database system identifier of the first long page header read. */
    public OptionalLong systemIdentifier() {
        return systemIdKnown ? OptionalLong.of(systemId) : OptionalLong.empty();
    }

    private boolean locateFirstRecord(long limit) throws IOException {
        long page = nextRecord;
        while (true) {
            WalPageHeader header = readPageHeader(page, limit, true);
            if (header == null) {
                return false;
            }
            long first;
            if (!header.isFirstContRecord()) {
                first = page;
            } else if (header.remainingLength() >= PAGE_SIZE - header.size()) {
                page += PAGE_SIZE;
                continue;
            } else {
                first = align(page + header.size() + header.remainingLength());
            }
            nextRecord = first;
            validEnd = first;
            locateFirstRecord = false;
            return true;
        }
    }

    private WalRecord readRecord(long limit) throws IOException {
        while (true) {
            long pos = nextRecord;
            if ((pos & PAGE_MASK) == 0) {
                WalPageHeader page = readPageHeader(pos, limit, true);
                if (page == null) {
                    return null;
                }
                if (page.isFirstContRecord()) {
                    return fail(
                            WalEndReason.BAD_CONTINUATION,
                            "contrecord is requested by " + lsn(pos) + ", where a record should start");
                }
                pos += page.size();
            }
            int got = available(pos, 4, limit);
            if (got < 4) {
                if (got > 0) {
                    return fail(WalEndReason.INCOMPLETE_RECORD, "record at " + lsn(pos) + " is cut short");
                }
                return pos >= limit
                        ? fail(WalEndReason.LIMIT_REACHED, "next record at " + lsn(pos) + " is at the limit")
                        : fail(WalEndReason.END_OF_DATA, "no WAL at " + lsn(pos));
            }
            long totalLength = LittleEndian.u32(chunk(), index(pos));
            if (totalLength < WalRecord.HEADER_SIZE) {
                return fail(
                        totalLength == 0 ? WalEndReason.ZEROS : WalEndReason.BAD_RECORD_HEADER,
                        "invalid record length at " + lsn(pos) + ": wanted 24, got " + totalLength);
            }
            if (totalLength > MAX_RECORD_LENGTH) {
                return fail(
                        WalEndReason.BAD_RECORD_HEADER,
                        "record length " + totalLength + " at " + lsn(pos) + " too long");
            }
            recordStart = pos;
            cursor = pos;
            recordRemaining = totalLength;
            int outcome = consume(WalRecord.HEADER_SIZE, true, 0, limit);
            if (outcome == ABANDONED) {
                continue;
            } else if (outcome == FAILED) {
                return null;
            }
            int xid = LittleEndian.i32(recordBuffer, 4);
            long prev = LittleEndian.i64(recordBuffer, 8);
            int info = LittleEndian.u8(recordBuffer, 16);
            int rmid = LittleEndian.u8(recordBuffer, 17);
            int storedCrc = LittleEndian.i32(recordBuffer, 20);
            if (!ResourceManagers.isValid(rmid)) {
                return fail(
                        WalEndReason.BAD_RECORD_HEADER,
                        "invalid resource manager ID " + rmid + " at " + lsn(recordStart));
            }
            if ((prevStart != 0 && prev != prevStart) || Long.compareUnsigned(prev, recordStart) >= 0) {
                return fail(
                        WalEndReason.BAD_PREV_LINK,
                        "record with incorrect prev-link " + lsn(prev) + " at " + lsn(recordStart)
                                + (prevStart != 0 ? ", expected " + lsn(prevStart) : ""));
            }
            boolean transactionEnd = WalRecord.isCommit(rmid, info) || WalRecord.isAbort(rmid, info);
            boolean copy = options.validateCrc() || options.readBodies() || transactionEnd;
            outcome = consume((int) totalLength - WalRecord.HEADER_SIZE, copy, WalRecord.HEADER_SIZE, limit);
            if (outcome == ABANDONED) {
                continue;
            } else if (outcome == FAILED) {
                return null;
            }
            long end = align(cursor);
            boolean isSwitch = rmid == ResourceManagers.RM_XLOG_ID
                    && (info & ResourceManagers.XLR_RMGR_INFO_MASK) == ResourceManagers.XLOG_SWITCH;
            if (isSwitch) {
                end = (end + segmentSize - 1) & -(long) segmentSize;
            }
            if (end > limit) {
                return fail(
                        WalEndReason.INCOMPLETE_RECORD,
                        "record at " + lsn(recordStart) + " ends at " + lsn(end) + ", after the limit " + lsn(limit));
            }
            WalRecord record = finish((int) totalLength, xid, prev, info, rmid, storedCrc, end, transactionEnd);
            if (record != null) {
                prevStart = recordStart;
                validEnd = end;
                nextRecord = end;
            }
            if (recordBuffer.length > RETAINED_RECORD_BUFFER) {
                recordBuffer = new byte[PAGE_SIZE];
            }
            return record;
        }
    }

    /** Checks the CRC, decodes what was asked for and builds the record; null when that fails. */
    private WalRecord finish(
            int totalLength, int xid, long prev, int info, int rmid, int storedCrc, long end, boolean transactionEnd) {
        if (options.validateCrc()) {
            crc.reset();
            crc.update(recordBuffer, WalRecord.HEADER_SIZE, totalLength - WalRecord.HEADER_SIZE);
            crc.update(recordBuffer, 0, 20);
            if ((int) crc.getValue() != storedCrc) {
                return fail(
                        WalEndReason.BAD_CRC,
                        String.format(
                                "incorrect resource manager data checksum in record at %s: computed %08X, stored %08X",
                                lsn(recordStart), (int) crc.getValue(), storedCrc));
            }
        }
        byte[] body = null;
        WalRecordLayout layout = null;
        long transactionTime = WalRecord.NO_TIME;
        try {
            if (options.readBodies()) {
                body = Arrays.copyOf(recordBuffer, totalLength);
                layout = WalRecordLayout.decode(body, totalLength);
            }
            if (transactionEnd) {
                WalRecordLayout mainData =
                        layout != null ? layout : WalRecordLayout.decode(recordBuffer, totalLength, false);
                if (mainData.mainDataLength() < 8) {
                    return fail(
                            WalEndReason.BAD_RECORD_BODY,
                            "transaction record at " + lsn(recordStart) + " has " + mainData.mainDataLength()
                                    + " bytes of main data, too few for its xact_time");
                }
                transactionTime = LittleEndian.i64(recordBuffer, mainData.mainDataOffset());
            }
        } catch (InvalidWalRecordBodyException e) {
            return fail(WalEndReason.BAD_RECORD_BODY, e.getMessage() + " in record at " + lsn(recordStart));
        }
        return new WalRecord(
                Lsn.of(recordStart),
                Lsn.of(end),
                totalLength,
                xid,
                Lsn.of(prev),
                info,
                rmid,
                storedCrc,
                transactionTime,
                body,
                layout);
    }

    /**
     * Moves {@link #cursor} over {@code n} bytes of the current record, crossing and checking page
     * headers, copying the bytes to {@code recordBuffer[dstOff...]} when {@code copy}.
     */
    private int consume(int n, boolean copy, int dstOff, long limit) throws IOException {
        while (n > 0) {
            if ((cursor & PAGE_MASK) == 0) {
                WalPageHeader page = readPageHeader(cursor, limit, false);
                if (page == null) {
                    return FAILED;
                }
                if (page.isFirstOverwriteContRecord() && !page.isFirstContRecord()) {
                    nextRecord = cursor; // the record begun at recordStart was abandoned by Postgres
                    return ABANDONED;
                }
                if (!page.isFirstContRecord()) {
                    fail(WalEndReason.BAD_CONTINUATION, "there is no contrecord flag at " + lsn(cursor));
                    return FAILED;
                }
                if (page.remainingLength() != recordRemaining) {
                    fail(
                            WalEndReason.BAD_CONTINUATION,
                            "invalid contrecord length " + page.remainingLength() + " (expected " + recordRemaining
                                    + ") at " + lsn(cursor));
                    return FAILED;
                }
                cursor += page.size();
            }
            int piece = (int) Math.min(n, PAGE_SIZE - (cursor & PAGE_MASK));
            if (available(cursor, piece, limit) < piece) {
                fail(
                        WalEndReason.INCOMPLETE_RECORD,
                        "record at " + lsn(recordStart) + " is cut short "
                                + (cursor + piece > limit ? "by the limit" : "by the end of data") + " near "
                                + lsn(cursor));
                return FAILED;
            }
            if (copy) {
                if (recordBuffer.length < dstOff + piece) {
                    recordBuffer = Arrays.copyOf(recordBuffer, (int)
                            Math.min(Integer.MAX_VALUE - 8, Math.max(2L * recordBuffer.length, dstOff + piece)));
                }
                System.arraycopy(chunk(), index(cursor), recordBuffer, dstOff, piece);
                dstOff += piece;
            }
            cursor += piece;
            n -= piece;
            recordRemaining -= piece;
        }
        return DONE;
    }

    /**
     * Reads and checks the page header at {@code page}. {@code atRecordStart}: a record should start
     * on this page (rather than continue onto it), so missing data or zeros end WAL cleanly.
     *
     * @return null, with the failure recorded, when the header is missing or invalid
     */
    private WalPageHeader readPageHeader(long page, long limit, boolean atRecordStart) throws IOException {
        int got = available(page, WalPageHeader.SHORT_SIZE, limit);
        if (got < WalPageHeader.SHORT_SIZE) {
            if (got == 0 && atRecordStart) {
                return page >= limit
                        ? fail(WalEndReason.LIMIT_REACHED, "next WAL page at " + lsn(page) + " is at the limit")
                        : fail(WalEndReason.END_OF_DATA, "no WAL at " + lsn(page));
            }
            return fail(WalEndReason.INCOMPLETE_RECORD, "WAL page header at " + lsn(page) + " is cut short");
        }
        int info = LittleEndian.u16(chunk(), index(page) + 2);
        if (WalPageHeader.sizeOf(info) == WalPageHeader.LONG_SIZE
                && available(page, WalPageHeader.LONG_SIZE, limit) < WalPageHeader.LONG_SIZE) {
            return fail(WalEndReason.INCOMPLETE_RECORD, "WAL page header at " + lsn(page) + " is cut short");
        }
        WalPageHeader header = WalPageHeader.parse(chunk(), index(page));
        if (header.isZero()) {
            return atRecordStart
                    ? fail(WalEndReason.ZEROS, "WAL page at " + lsn(page) + " is zeros")
                    : fail(
                            WalEndReason.INCOMPLETE_RECORD,
                            "record at " + lsn(recordStart) + " continues onto WAL page " + lsn(page)
                                    + ", which is zeros");
        }
        Optional<String> problem = header.problem(Lsn.of(page), segmentSize);
        if (problem.isPresent()) {
            return fail(WalEndReason.BAD_PAGE_HEADER, problem.get());
        }
        if (magic != 0 && header.magic() != magic) {
            return fail(
                    WalEndReason.BAD_PAGE_HEADER,
                    String.format(
                            "WAL page at %s has magic %04X, but the scan began with %04X",
                            lsn(page), header.magic(), magic));
        }
        if (header.isLongHeader() && systemIdKnown && header.systemId() != systemId) {
            return fail(
                    WalEndReason.BAD_PAGE_HEADER,
                    "WAL page at " + lsn(page) + " is from database system " + Long.toUnsignedString(header.systemId())
                            + ", but the scan began in " + Long.toUnsignedString(systemId));
        }
        if (timeline != 0 && Integer.compareUnsigned(header.timeline(), timeline) < 0) {
            return fail(
                    WalEndReason.BAD_PAGE_HEADER,
                    "out-of-sequence timeline ID " + Integer.toUnsignedString(header.timeline()) + " (after "
                            + Integer.toUnsignedString(timeline) + ") in WAL page at " + lsn(page));
        }
        magic = header.magic();
        timeline = header.timeline();
        if (header.isLongHeader()) {
            systemId = header.systemId();
            systemIdKnown = true;
        }
        return header;
    }

    private int available(long pos, int want, long limit) throws IOException {
        return buffer.available(pos, want, limit);
    }

    private byte[] chunk() {
        return buffer.array();
    }

    private int index(long pos) {
        return buffer.index(pos);
    }

    private <T> T fail(WalEndReason reason, String detail) {
        endReason = reason;
        endDetail = detail;
        return null;
    }

    private static long align(long pos) {
        return (pos + 7) & ~7L;
    }

    private static Lsn lsn(long value) {
        return Lsn.of(value);
    }
}
