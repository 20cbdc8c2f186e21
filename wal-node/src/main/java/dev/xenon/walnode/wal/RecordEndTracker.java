package dev.xenon.walnode.wal;

import dev.xenon.common.Lsn;
import dev.xenon.common.wal.WalRecordScanner;
import dev.xenon.common.wal.WalScanOptions;
import dev.xenon.common.wal.WalSource;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Tracks the end of the last complete WAL record in a {@link SegmentStore}: the position a WAL node
 * reports as its flush LSN, votes with in elections, and resumes streaming at. Positions the
 * compute is acknowledged with are raw byte positions and may fall inside a record; this one never
 * does, so it is always a valid start for a new compute.
 *
 * <p>Advances lazily by scanning record headers forward from the last known boundary. Thread-safe.
 */
public final class RecordEndTracker {

    private final SegmentStore store;
    private Lsn knownEnd;

    public RecordEndTracker(SegmentStore store, Lsn start) {
        this.store = store;
        this.knownEnd = start;
    }

    public synchronized Lsn knownEnd() {
        return knownEnd;
    }

    /** Forgets everything after {@code boundary}, which must be a record boundary or page start. */
    public synchronized void reset(Lsn boundary) {
        knownEnd = boundary;
    }

    /** Scans complete records up to {@code limit}; returns the end of the last one. */
    public synchronized Lsn advance(Lsn limit, boolean validateCrc) {
        if (!knownEnd.isValid() || !limit.isAfter(knownEnd)) {
            return knownEnd;
        }
        WalRecordScanner scanner = new WalRecordScanner(
                source(limit),
                store.segmentSize(),
                knownEnd,
                WalScanOptions.defaults().withValidateCrc(validateCrc));
        try {
            knownEnd = lastRecordEnd(scanner, limit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return knownEnd;
    }

    /** The outcome of {@link #recover}: where valid WAL ends, why, and how many bytes follow it. */
    public record Recovery(Lsn end, String reason, long discardedBytes) {}

    /**
     * After a restart: scans with CRC checks from the known boundary to the end of the files and
     * reports what lies after the last valid record (a torn or partial last write).
     */
    public synchronized Recovery recover() throws IOException {
        if (!knownEnd.isValid()) {
            return new Recovery(knownEnd, "empty", 0);
        }
        var segments = store.listSegments();
        if (segments.isEmpty()) {
            return new Recovery(knownEnd, "no segments", 0);
        }
        Lsn filesEnd = Lsn.of((segments.lastKey() + 1) * store.segmentSize());
        WalRecordScanner scanner =
                new WalRecordScanner(source(filesEnd), store.segmentSize(), knownEnd, WalScanOptions.defaults());
        Lsn end = lastRecordEnd(scanner, filesEnd);
        knownEnd = end;
        long discarded = lastNonZeroByteEnd(end, filesEnd).minus(end);
        return new Recovery(
                end,
                scanner.endReason().map(String::valueOf).orElse("end of data") + " " + scanner.endDetail(),
                Math.max(0, discarded));
    }

    /** Reads every complete record up to {@code limit}; the end of the last, or the known end. */
    private Lsn lastRecordEnd(WalRecordScanner scanner, Lsn limit) throws IOException {
        Lsn end = knownEnd;
        for (var record = scanner.next(limit); record.isPresent(); record = scanner.next(limit)) {
            end = record.get().end();
        }
        return end;
    }

    private Lsn lastNonZeroByteEnd(Lsn from, Lsn to) throws IOException {
        byte[] buf = new byte[1 << 16];
        Lsn last = from;
        Lsn pos = from;
        while (pos.isBefore(to)) {
            int n = store.read(pos, buf, 0, (int) Math.min(buf.length, to.minus(pos)));
            if (n <= 0) {
                // a missing segment: skip to the next one
                pos = Lsn.of((pos.segmentNumber(store.segmentSize()) + 1) * store.segmentSize());
                continue;
            }
            for (int i = n - 1; i >= 0; i--) {
                if (buf[i] != 0) {
                    last = pos.plus(i + 1);
                    break;
                }
            }
            pos = pos.plus(n);
        }
        return last;
    }

    private WalSource source(Lsn limit) {
        return (position, dst, off, len) -> {
            if (!position.isBefore(limit)) {
                return -1;
            }
            int total = store.readFully(position, dst, off, (int) Math.min(len, limit.minus(position)));
            return total == 0 ? -1 : total;
        };
    }
}
