package dev.xenon.common.pgwire;

import java.io.IOException;
import java.io.InputStream;

/**
 * Receives the base archive of a {@linkplain PgReplicationConnection#baseBackup base backup}.
 *
 * <p>{@code tar} reads straight from the connection's socket: it is valid only until {@code accept}
 * returns, and only one thread at a time may read it (not necessarily the one that called {@code
 * baseBackup}). Reading it past the end of the archive returns -1; closing it only marks it closed
 * (the connection stays open), so wrapping it in a stream that closes its source is fine. Bytes
 * left unread when {@code accept} returns are read and discarded. When the server reports an error
 * mid-archive, {@code read} throws that {@link PgServerException}.
 */
@FunctionalInterface
public interface BaseBackupConsumer {

    /**
     * @param archiveName the archive's name as the server gives it, {@code base.tar}
     * @param tar the archive: an uncompressed tar (ustar) of the data directory, {@code
     *     backup_label} first and {@code global/pg_control} last, ended by two zero blocks
     * @throws IOException to abort the backup; the connection is then closed
     */
    void accept(String archiveName, InputStream tar) throws IOException;
}
