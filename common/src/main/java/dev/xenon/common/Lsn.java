package dev.xenon.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A position in the write-ahead log: an unsigned 64-bit byte offset, printed as Postgres prints it,
 * {@code 16/B374D848} (high and low 32 bits in upper-case hex).
 *
 * <p>Comparison is unsigned. {@link #INVALID} ({@code 0/0}) means "no position". Immutable.
 */
public record Lsn(long value) implements Comparable<Lsn> {

    public static final Lsn INVALID = new Lsn(0);

    /** Postgres' default WAL segment size. */
    public static final int DEFAULT_SEGMENT_SIZE = 16 * 1024 * 1024;

    /** WAL page size (XLOG_BLCKSZ) of every stock Postgres build. */
    public static final int WAL_PAGE_SIZE = 8192;

    public static Lsn of(long value) {
        return new Lsn(value);
    }

    /**
     * Parses {@code X/X} (1 to 8 hex digits each side, either case).
     *
     * @throws IllegalArgumentException with a message naming the bad text
     */
    @JsonCreator
    public static Lsn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("LSN is missing");
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("invalid LSN '" + text + "': expected X/X in hex, e.g. 16/B374D848");
        }
        try {
            long hi = Long.parseLong(text, 0, slash, 16);
            long lo = Long.parseLong(text, slash + 1, text.length(), 16);
            if (hi < 0 || lo < 0) {
                throw new NumberFormatException();
            }
            return new Lsn((hi << 32) | lo);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid LSN '" + text + "': expected X/X in hex, e.g. 16/B374D848");
        }
    }

    public boolean isValid() {
        return value != 0;
    }

    public Lsn plus(long bytes) {
        return new Lsn(value + bytes);
    }

    /** Bytes from {@code other} to this position ({@code this - other}); negative when this is lower. */
    public long minus(Lsn other) {
        return value - other.value;
    }

    public boolean isBefore(Lsn other) {
        return compareTo(other) < 0;
    }

    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    public static Lsn max(Lsn a, Lsn b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public static Lsn min(Lsn a, Lsn b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The WAL segment number holding this position ({@code XLByteToSeg}). */
    public long segmentNumber(int segmentSize) {
        return Long.divideUnsigned(value, segmentSize);
    }

    /** Offset of this position inside its segment. */
    public int segmentOffset(int segmentSize) {
        return (int) Long.remainderUnsigned(value, segmentSize);
    }

    /** Start of the segment holding this position. */
    public Lsn segmentStart(int segmentSize) {
        return new Lsn(value - segmentOffset(segmentSize));
    }

    /** Offset of this position inside its 8 KiB WAL page. */
    public int pageOffset() {
        return (int) (value & (WAL_PAGE_SIZE - 1));
    }

    public boolean isPageBoundary() {
        return pageOffset() == 0;
    }

    /** Name of the segment file holding this position, e.g. {@code 000000010000000000000003}. */
    public String segmentFileName(int pgTimelineId, int segmentSize) {
        return WalSegmentName.of(pgTimelineId, segmentNumber(segmentSize), segmentSize)
                .toString();
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @JsonValue
    @Override
    public String toString() {
        return String.format("%X/%X", value >>> 32, value & 0xFFFFFFFFL);
    }
}
