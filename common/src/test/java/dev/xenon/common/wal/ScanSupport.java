package dev.xenon.common.wal;

import static dev.xenon.common.wal.SyntheticWal.SEGMENT_SIZE;

import dev.xenon.common.Lsn;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shared options, values and helpers of the WalRecordScanner tests. */
final class ScanSupport {

    static final WalScanOptions CRC = WalScanOptions.defaults();
    static final WalScanOptions CRC_BODIES = WalScanOptions.defaults().withReadBodies(true);
    static final WalScanOptions NO_CRC = WalScanOptions.defaults().withValidateCrc(false);

    static final Instant COMMIT_TIME = Instant.parse("2024-05-06T07:08:09.123456Z");
    static final long COMMIT_MICROS =
            (COMMIT_TIME.getEpochSecond() - 946_684_800L) * 1_000_000L + COMMIT_TIME.getNano() / 1_000;

    private ScanSupport() {}

    static List<WalRecord> scanAll(WalRecordScanner scanner) throws IOException {
        List<WalRecord> records = new ArrayList<>();
        for (var r = scanner.next(); r.isPresent(); r = scanner.next()) {
            records.add(r.get());
        }
        return records;
    }

    static List<WalRecord> scanAll(WalSource source, Lsn start, WalScanOptions options) throws IOException {
        return scanAll(new WalRecordScanner(source, SEGMENT_SIZE, start, options));
    }

    static List<Lsn> starts(List<WalRecord> records) {
        return records.stream().map(WalRecord::start).toList();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
