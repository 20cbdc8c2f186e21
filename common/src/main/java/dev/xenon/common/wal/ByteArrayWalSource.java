package dev.xenon.common.wal;

import dev.xenon.common.Lsn;
import java.util.Objects;

/**
 * WAL held in memory: {@code bytes[0]} is the byte at {@code base}. The array is read live, not
 * copied, so changes to it are seen by later reads.
 */
public final class ByteArrayWalSource implements WalSource {

    private final Lsn base;
    private final byte[] bytes;

    public ByteArrayWalSource(Lsn base, byte[] bytes) {
        this.base = Objects.requireNonNull(base, "base");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    public Lsn base() {
        return base;
    }

    /** The position after the last byte held. */
    public Lsn end() {
        return base.plus(bytes.length);
    }

    /**
     * @throws IllegalArgumentException when {@code position} is before {@link #base()}
     */
    @Override
    public int read(Lsn position, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        if (position.isBefore(base)) {
            throw new IllegalArgumentException("WAL position " + position + " is before the first byte held, " + base);
        }
        long from = position.minus(base);
        if (from >= bytes.length) {
            return -1;
        }
        int n = (int) Math.min(len, bytes.length - from);
        System.arraycopy(bytes, (int) from, dst, off, n);
        return n;
    }
}
