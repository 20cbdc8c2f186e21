package dev.xenon.common.wal;

import dev.xenon.common.Lsn;
import java.io.IOException;

/**
 * A window of whole WAL pages read from a {@link WalSource} in one go, so that scanning costs one
 * source read per buffer rather than one per field or record.
 */
final class WalReadBuffer {

    private static final long PAGE_MASK = Lsn.WAL_PAGE_SIZE - 1;

    private final WalSource source;
    private final byte[] bytes;
    private long start;
    private int length;

    /** @param size a multiple of the WAL page size */
    WalReadBuffer(WalSource source, int size) {
        this.source = source;
        this.bytes = new byte[size];
    }

    /** The buffer; byte {@code pos} of WAL is at {@link #index(long)} after a successful {@link #available}. */
    byte[] array() {
        return bytes;
    }

    int index(long pos) {
        return (int) (pos - start);
    }

    /**
     * Makes the {@code want} bytes at {@code pos} (all on one page) available, as far as they lie
     * before {@code limit} and the source has them.
     *
     * @return how many of them are available, from {@code pos} on
     */
    int available(long pos, int want, long limit) throws IOException {
        if (pos >= limit) {
            return 0;
        }
        int n = (int) Math.min(want, limit - pos);
        if (pos >= start && pos + n <= start + length) {
            return n;
        }
        start = pos & ~PAGE_MASK;
        length = 0;
        while (length < bytes.length) {
            int read = source.read(Lsn.of(start + length), bytes, length, bytes.length - length);
            if (read <= 0) {
                break;
            }
            length += read;
        }
        return (int) Math.max(0, Math.min(n, start + length - pos));
    }

    /** Forgets what was read, so that the next access reads the source again (it may have changed). */
    void invalidate() {
        length = 0;
    }
}
