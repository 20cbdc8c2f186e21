package dev.xenon.common;

/**
 * A WAL segment file name as Postgres writes it: 8 hex digits of Postgres timeline ID, then the
 * segment number split into "log" and "seg" parts of 8 hex digits each ({@code XLogFileName}).
 * A {@code .partial} suffix marks a segment still being written.
 */
public record WalSegmentName(int pgTimelineId, long segmentNumber, int segmentSize) {

    public static final String PARTIAL_SUFFIX = ".partial";

    public WalSegmentName {
        if (pgTimelineId <= 0) {
            throw new IllegalArgumentException("Postgres timeline ID must be positive: " + pgTimelineId);
        }
        if (segmentSize <= 0 || Integer.bitCount(segmentSize) != 1) {
            throw new IllegalArgumentException("segment size must be a power of two: " + segmentSize);
        }
        if (segmentNumber < 0) {
            throw new IllegalArgumentException("segment number must not be negative: " + segmentNumber);
        }
    }

    public static WalSegmentName of(int pgTimelineId, long segmentNumber, int segmentSize) {
        return new WalSegmentName(pgTimelineId, segmentNumber, segmentSize);
    }

    /** Parses a 24-hex-digit name, with or without {@code .partial}. */
    public static WalSegmentName parse(String name, int segmentSize) {
        String base = name.endsWith(PARTIAL_SUFFIX) ? name.substring(0, name.length() - PARTIAL_SUFFIX.length()) : name;
        if (base.length() != 24 || !base.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("invalid WAL segment file name '" + name + "'");
        }
        long segmentsPerXLogId = segmentsPerXLogId(segmentSize);
        int tli = Integer.parseUnsignedInt(base.substring(0, 8), 16);
        long log = Long.parseLong(base.substring(8, 16), 16);
        long seg = Long.parseLong(base.substring(16, 24), 16);
        if (seg >= segmentsPerXLogId) {
            throw new IllegalArgumentException(
                    "invalid WAL segment file name '" + name + "' for segment size " + segmentSize);
        }
        return new WalSegmentName(tli, log * segmentsPerXLogId + seg, segmentSize);
    }

    public static boolean looksLikeSegment(String name) {
        String base = name.endsWith(PARTIAL_SUFFIX) ? name.substring(0, name.length() - PARTIAL_SUFFIX.length()) : name;
        return base.length() == 24 && base.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static long segmentsPerXLogId(int segmentSize) {
        return 0x1_0000_0000L / segmentSize;
    }

    public Lsn startLsn() {
        return Lsn.of(segmentNumber * segmentSize);
    }

    public Lsn endLsn() {
        return Lsn.of((segmentNumber + 1) * segmentSize);
    }

    public WalSegmentName next() {
        return new WalSegmentName(pgTimelineId, segmentNumber + 1, segmentSize);
    }

    public String partialName() {
        return this + PARTIAL_SUFFIX;
    }

    @Override
    public String toString() {
        long perId = segmentsPerXLogId(segmentSize);
        return String.format("%08X%08X%08X", pgTimelineId, segmentNumber / perId, segmentNumber % perId);
    }
}
