package dev.xenon.common.wal;

import dev.xenon.common.Lsn;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * The header at the start of every 8192-byte WAL page ({@code XLogPageHeaderData}, and {@code
 * XLogLongPageHeaderData} on the first page of a segment). Little-endian:
 *
 * <pre>
 * offset size field
 *      0    2 xlp_magic       0xD110 (PG 15), 0xD113 (PG 16), 0xD116 (PG 17)
 *      2    2 xlp_info        flag bits, see XLP_*
 *      4    4 xlp_tli         Postgres timeline of the page
 *      8    8 xlp_pageaddr    LSN of the page itself
 *     16    4 xlp_rem_len     bytes of a record continued from the previous page, still to come
 *     20    4 (padding)       short header ends here: 24 bytes
 *     24    8 xlp_sysid       only with XLP_LONG_HEADER: database system identifier
 *     32    4 xlp_seg_size    segment size
 *     36    4 xlp_xlog_blcksz WAL page size, 8192
 * </pre>
 *
 * For a short header the last three fields are 0.
 *
 * @param remainingLength {@code xlp_rem_len}, an unsigned 32-bit number
 */
public record WalPageHeader(
        int magic,
        int info,
        int timeline,
        Lsn pageAddress,
        long remainingLength,
        long systemId,
        int segmentSize,
        int blockSize) {

    public static final int SHORT_SIZE = 24;
    public static final int LONG_SIZE = 40;

    public static final int MAGIC_PG15 = 0xD110;
    public static final int MAGIC_PG16 = 0xD113;
    public static final int MAGIC_PG17 = 0xD116;

    /** The page starts with the tail of a record begun on an earlier page. */
    public static final int XLP_FIRST_IS_CONTRECORD = 0x0001;
    /** The header is the 40-byte long variant (always on a segment's first page). */
    public static final int XLP_LONG_HEADER = 0x0002;
    /** Full-page images on this page are not needed for archive recovery. */
    public static final int XLP_BKP_REMOVABLE = 0x0004;
    /** A record that was torn at this page (crash) has been abandoned; the page starts fresh. */
    public static final int XLP_FIRST_IS_OVERWRITE_CONTRECORD = 0x0008;

    public static final int XLP_ALL_FLAGS = 0x000F;

    public WalPageHeader {
        Objects.requireNonNull(pageAddress, "pageAddress");
    }

    /**
     * Reads the header at {@code buf[off]}: 24 bytes, or 40 when {@code xlp_info} has {@link
     * #XLP_LONG_HEADER}. Reads fields only; see {@link #validate} for the checks.
     *
     * @throws IndexOutOfBoundsException when the array ends before the header does
     */
    public static WalPageHeader parse(byte[] buf, int off) {
        Objects.checkFromIndexSize(off, SHORT_SIZE, buf.length);
        int info = LittleEndian.u16(buf, off + 2);
        long sysid = 0;
        int segSize = 0;
        int blockSize = 0;
        if ((info & XLP_LONG_HEADER) != 0) {
            Objects.checkFromIndexSize(off, LONG_SIZE, buf.length);
            sysid = LittleEndian.i64(buf, off + 24);
            segSize = LittleEndian.i32(buf, off + 32);
            blockSize = LittleEndian.i32(buf, off + 36);
        }
        return new WalPageHeader(
                LittleEndian.u16(buf, off),
                info,
                LittleEndian.i32(buf, off + 4),
                Lsn.of(LittleEndian.i64(buf, off + 8)),
                LittleEndian.u32(buf, off + 16),
                sysid,
                segSize,
                blockSize);
    }

    /** Reads the header at the buffer's position, without moving it; see {@link #parse(byte[], int)}. */
    public static WalPageHeader parse(ByteBuffer buf) {
        int n = Math.min(LONG_SIZE, buf.remaining());
        byte[] copy = new byte[n];
        buf.get(buf.position(), copy);
        return parse(copy, 0);
    }

    /** Header size for a page whose {@code xlp_info} is {@code info}: 24 or 40. */
    public static int sizeOf(int info) {
        return (info & XLP_LONG_HEADER) != 0 ? LONG_SIZE : SHORT_SIZE;
    }

    public static boolean isKnownMagic(int magic) {
        return postgresMajorVersion(magic) != 0;
    }

    /** The Postgres major version writing pages with this magic, or 0 for an unknown magic. */
    public static int postgresMajorVersion(int magic) {
        return switch (magic) {
            case MAGIC_PG15 -> 15;
            case MAGIC_PG16 -> 16;
            case MAGIC_PG17 -> 17;
            default -> 0;
        };
    }

    public int size() {
        return sizeOf(info);
    }

    public boolean isLongHeader() {
        return (info & XLP_LONG_HEADER) != 0;
    }

    public boolean isFirstContRecord() {
        return (info & XLP_FIRST_IS_CONTRECORD) != 0;
    }

    public boolean isBackupRemovable() {
        return (info & XLP_BKP_REMOVABLE) != 0;
    }

    public boolean isFirstOverwriteContRecord() {
        return (info & XLP_FIRST_IS_OVERWRITE_CONTRECORD) != 0;
    }

    /** Every field is zero: the page was never written. */
    public boolean isZero() {
        return magic == 0
                && info == 0
                && timeline == 0
                && pageAddress.value() == 0
                && remainingLength == 0
                && systemId == 0
                && segmentSize == 0
                && blockSize == 0;
    }

    /**
     * What is wrong with this header as the header of the page at {@code expectedAddress} in WAL
     * with segments of {@code segmentSize} bytes, the way Postgres checks it: known magic, no unknown
     * flag, {@code xlp_pageaddr} equal to the page's own LSN, a long header on a segment's first
     * page, and a long header's segment and page size.
     *
     * @return empty when the header is fine
     */
    public Optional<String> problem(Lsn expectedAddress, int segmentSize) {
        if (!isKnownMagic(magic)) {
            return Optional.of(String.format("invalid magic number %04X in WAL page at %s", magic, expectedAddress));
        }
        if ((info & ~XLP_ALL_FLAGS) != 0) {
            return Optional.of(String.format("invalid info bits %04X in WAL page at %s", info, expectedAddress));
        }
        if (!pageAddress.equals(expectedAddress)) {
            return Optional.of("unexpected page address " + pageAddress + " in WAL page at " + expectedAddress);
        }
        if (expectedAddress.segmentOffset(segmentSize) == 0 && !isLongHeader()) {
            return Optional.of("WAL page at " + expectedAddress + " starts a segment but has no long header");
        }
        if (isLongHeader()) {
            if (this.segmentSize != segmentSize) {
                return Optional.of("WAL page at " + expectedAddress + " is from segments of " + this.segmentSize
                        + " bytes, expected " + segmentSize);
            }
            if (blockSize != Lsn.WAL_PAGE_SIZE) {
                return Optional.of("WAL page at " + expectedAddress + " has WAL page size " + blockSize + ", expected "
                        + Lsn.WAL_PAGE_SIZE);
            }
        }
        return Optional.empty();
    }

    /**
     * Checks this header as {@link #problem} does.
     *
     * @throws InvalidWalPageHeaderException naming the problem
     */
    public void validate(Lsn expectedAddress, int segmentSize) {
        Optional<String> problem = problem(expectedAddress, segmentSize);
        if (problem.isPresent()) {
            throw new InvalidWalPageHeaderException(expectedAddress, problem.get());
        }
    }
}
