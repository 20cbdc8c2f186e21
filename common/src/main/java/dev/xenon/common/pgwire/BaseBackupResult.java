package dev.xenon.common.pgwire;

import dev.xenon.common.Lsn;

/**
 * How a {@linkplain PgReplicationConnection#baseBackup base backup} ended.
 *
 * <p>To start Postgres from the archive, it needs every WAL segment from the one holding {@code
 * startLsn} through the one holding the last byte before {@code endLsn} (the server switches to a
 * new segment right after the backup, so that segment is complete).
 *
 * @param startLsn where recovery from this backup starts: the redo pointer of the backup's
 *     checkpoint, the {@code START WAL LOCATION} of its {@code backup_label}
 * @param endLsn the end of the backup-end WAL record: recovery must replay at least up to here
 *     before the data directory is consistent
 * @param timeline the timeline ID the backup was taken on (start and end agree)
 * @param bytes the size of the base archive, in bytes
 */
public record BaseBackupResult(Lsn startLsn, Lsn endLsn, int timeline, long bytes) {}
