package dev.xenon.common.wal;

/**
 * How a {@link WalRecordScanner} reads.
 *
 * @param validateCrc check each record's CRC-32C (stop with {@link WalEndReason#BAD_CRC} on a
 *     mismatch)
 * @param readBodies return each record's bytes and decoded {@link WalRecordLayout}; without this,
 *     record bytes are only copied into a reused buffer when needed (CRC, commit timestamps)
 * @param bufferSize bytes read from the source at once: a multiple of the 8192-byte WAL page
 */
public record WalScanOptions(boolean validateCrc, boolean readBodies, int bufferSize) {

    public static final int DEFAULT_BUFFER_SIZE = 128 * 1024;

    public WalScanOptions {
        if (bufferSize < WalRecordScanner.PAGE_SIZE || bufferSize % WalRecordScanner.PAGE_SIZE != 0) {
            throw new IllegalArgumentException(
                    "buffer size must be a positive multiple of " + WalRecordScanner.PAGE_SIZE + ": " + bufferSize);
        }
    }

    /** CRC validation on, bodies off, 128 KiB buffer. */
    public static WalScanOptions defaults() {
        return new WalScanOptions(true, false, DEFAULT_BUFFER_SIZE);
    }

    public WalScanOptions withValidateCrc(boolean validate) {
        return new WalScanOptions(validate, readBodies, bufferSize);
    }

    public WalScanOptions withReadBodies(boolean read) {
        return new WalScanOptions(validateCrc, read, bufferSize);
    }

    public WalScanOptions withBufferSize(int bytes) {
        return new WalScanOptions(validateCrc, readBodies, bytes);
    }
}
