package dev.xenon.walnode;

import dev.xenon.common.Lsn;
import dev.xenon.common.TimelineId;
import dev.xenon.common.wal.WalRecord;
import dev.xenon.common.wal.WalRecordScanner;
import dev.xenon.common.wal.WalScanOptions;
import dev.xenon.common.wal.WalSource;
import dev.xenon.common.walnode.WalNodeClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Reads a WAL node's WAL back through its HTTP API and decodes its records. */
final class WalFiles {
    private WalFiles() {}

    static byte[] read(WalNodeClient node, TimelineId timeline, Lsn from, Lsn to) throws IOException {
        try (InputStream in = node.readWal(timeline, from, to)) {
            return in.readAllBytes();
        }
    }

    /** Every complete record in {@code bytes} (WAL starting at {@code base}, a page boundary). */
    static List<WalRecord> records(Lsn base, byte[] bytes) throws IOException {
        WalSource source = (position, dst, off, len) -> {
            long offset = position.minus(base);
            if (offset < 0 || offset >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(len, bytes.length - offset);
            System.arraycopy(bytes, (int) offset, dst, off, n);
            return n;
        };
        Lsn limit = base.plus(bytes.length);
        WalRecordScanner scanner =
                new WalRecordScanner(source, Lsn.DEFAULT_SEGMENT_SIZE, base, WalScanOptions.defaults());
        List<WalRecord> records = new ArrayList<>();
        for (var r = scanner.next(limit); r.isPresent(); r = scanner.next(limit)) {
            records.add(r.get());
        }
        return records;
    }
}
