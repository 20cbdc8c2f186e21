package dev.xenon.common.wal;

import dev.xenon.common.Lsn;
import java.io.IOException;

/** Raw WAL bytes addressed by LSN, as they lie in the segment files (page headers included). */
@FunctionalInterface
public interface WalSource {

    /**
     * Copies WAL bytes starting at {@code position} into {@code dst[off, off + len)}.
     *
     * @return the number of bytes copied; fewer than {@code len} only where the available WAL ends
     *     (callers ask again for the rest); 0 or -1 when there is no byte at {@code position}
     */
    int read(Lsn position, byte[] dst, int off, int len) throws IOException;
}
