package dev.xenon.common.wal;

import dev.xenon.common.Lsn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One WAL record: the fields of its 24-byte {@code XLogRecord} header (see {@code package-info}),
 * where it lies, and, when the scanner was asked for bodies, its bytes and their {@link
 * WalRecordLayout}.
 *
 * @param start LSN of the record's first byte
 * @param end Postgres' {@code EndRecPtr}: the position after the last byte, rounded up to 8 (a page
 *     boundary stays a page boundary; the record after it starts after that page's header); for an
 *     {@code XLOG_SWITCH} record the start of the next segment
 * @param totalLength {@code xl_tot_len}: bytes of the record, header included, page headers excluded
 * @param xid {@code xl_xid}, an unsigned 32-bit transaction ID, 0 for none
 * @param prev {@code xl_prev}: start of the previous record
 * @param info {@code xl_info}, 0..255
 * @param rmid {@code xl_rmid}, 0..255, see {@link ResourceManagers}
 * @param crc {@code xl_crc}
 * @param transactionTimeMicros for commit and abort records the {@code xact_time} at the start of
 *     their main data (microseconds since 2000-01-01 00:00 UTC), otherwise {@link #NO_TIME}
 * @param body the record's bytes (header included, page headers removed), or null when bodies were
 *     not read; the array belongs to this record and must not be changed
 * @param layout where blocks and main data lie in {@code body}, or null when bodies were not read
 */
public record WalRecord(
        Lsn start,
        Lsn end,
        int totalLength,
        int xid,
        Lsn prev,
        int info,
        int rmid,
        int crc,
        long transactionTimeMicros,
        byte[] body,
        WalRecordLayout layout) {

    /** Size of the {@code XLogRecord} header. */
    public static final int HEADER_SIZE = 24;

    /** {@link #transactionTimeMicros} of records that are not commits or aborts. */
    public static final long NO_TIME = Long.MIN_VALUE;

    /** Postgres' timestamp epoch, 2000-01-01T00:00:00Z, in Unix seconds. */
    private static final long POSTGRES_EPOCH_UNIX_SECONDS = 946_684_800L;

    public WalRecord {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(prev, "prev");
        if ((body == null) != (layout == null)) {
            throw new IllegalArgumentException("body and layout come together");
        }
    }

    public boolean hasBody() {
        return body != null;
    }

    /**
     * The record's bytes: header, block headers, block images and data, main data.
     *
     * @throws IllegalStateException when the scanner was not asked for bodies
     */
    @Override
    public byte[] body() {
        if (body == null) {
            throw new IllegalStateException(
                    "record at " + start + " was read without its body; enable" + " WalScanOptions.readBodies");
        }
        return body;
    }

    /**
     * Where blocks and main data lie in {@link #body()}.
     *
     * @throws IllegalStateException when the scanner was not asked for bodies
     */
    @Override
    public WalRecordLayout layout() {
        body();
        return layout;
    }

    /** The pages this record touches, in block ID order; see {@link #body()} for when it fails. */
    public List<BlockReference> blocks() {
        return layout().blocks();
    }

    /** The rmgr-specific main data, a read-only little-endian view; see {@link #body()}. */
    public ByteBuffer mainData() {
        WalRecordLayout l = layout();
        return ByteBuffer.wrap(body, l.mainDataOffset(), l.mainDataLength())
                .slice()
                .asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The resource manager name {@code pg_waldump} prints. */
    public String rmgrName() {
        return ResourceManagers.name(rmid);
    }

    /** The rmgr-specific info bits, {@code xl_info & 0xF0}. */
    public int rmgrInfo() {
        return info & ResourceManagers.XLR_RMGR_INFO_MASK;
    }

    /** {@code XLOG_SWITCH}: nothing follows in this segment. */
    public boolean isSwitch() {
        return rmid == ResourceManagers.RM_XLOG_ID && rmgrInfo() == ResourceManagers.XLOG_SWITCH;
    }

    /** A commit: {@code XLOG_XACT_COMMIT} or {@code XLOG_XACT_COMMIT_PREPARED}. */
    public boolean isCommit() {
        return isCommit(rmid, info);
    }

    /** An abort: {@code XLOG_XACT_ABORT} or {@code XLOG_XACT_ABORT_PREPARED}. */
    public boolean isAbort() {
        return isAbort(rmid, info);
    }

    /** When a commit record's transaction committed ({@code xact_time}); empty for other records. */
    public Optional<Instant> commitTimestamp() {
        return isCommit() ? transactionTime() : Optional.empty();
    }

    /** The {@code xact_time} of a commit or abort record; empty for other records. */
    public Optional<Instant> transactionTime() {
        if (transactionTimeMicros == NO_TIME) {
            return Optional.empty();
        }
        return Optional.of(postgresTimestamp(transactionTimeMicros));
    }

    /** A Postgres {@code TimestampTz}: microseconds since 2000-01-01 00:00 UTC. */
    public static Instant postgresTimestamp(long micros) {
        return Instant.ofEpochSecond(
                POSTGRES_EPOCH_UNIX_SECONDS + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    static boolean isCommit(int rmid, int info) {
        int op = info & ResourceManagers.XLOG_XACT_OPMASK;
        return rmid == ResourceManagers.RM_XACT_ID
                && (op == ResourceManagers.XLOG_XACT_COMMIT || op == ResourceManagers.XLOG_XACT_COMMIT_PREPARED);
    }

    static boolean isAbort(int rmid, int info) {
        int op = info & ResourceManagers.XLOG_XACT_OPMASK;
        return rmid == ResourceManagers.RM_XACT_ID
                && (op == ResourceManagers.XLOG_XACT_ABORT || op == ResourceManagers.XLOG_XACT_ABORT_PREPARED);
    }

    @Override
    public String toString() {
        return "WalRecord[" + rmgrName() + " at " + start + ", end " + end + ", len " + totalLength + ", tx "
                + Integer.toUnsignedString(xid) + ", prev " + prev + ", info " + String.format("%02X", info)
                + (transactionTimeMicros == NO_TIME
                        ? ""
                        : ", time " + transactionTime().orElseThrow())
                + (body == null ? "" : ", " + layout.blocks().size() + " blocks") + "]";
    }
}
