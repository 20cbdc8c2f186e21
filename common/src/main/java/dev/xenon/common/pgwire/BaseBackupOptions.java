package dev.xenon.common.pgwire;

import java.util.Objects;

/**
 * What {@link PgReplicationConnection#baseBackup} asks the server for. Immutable.
 *
 * <p>The command always asks for {@code PROGRESS false} (no size estimate before the copy),
 * {@code MANIFEST 'no'} and no WAL in the archive; the archive is plain tar (no server-side
 * compression). There is no {@code TABLESPACE_MAP} switch: Xenon has no tablespaces, and a server
 * that has some is refused (see {@link PgReplicationConnection#baseBackup}).
 *
 * @param label written to the {@code LABEL:} line of the archive's {@code backup_label} and shown in
 *     {@code pg_stat_progress_basebackup}; any text without NUL, CR or LF (checked here, because a
 *     line break would add lines to {@code backup_label}). The server refuses labels longer than
 *     1024 bytes with SQLSTATE {@code 22023}
 * @param fastCheckpoint {@code CHECKPOINT 'fast'}: the backup starts with an immediate checkpoint;
 *     false is {@code 'spread'}, paced by {@code checkpoint_completion_target}, which can take
 *     minutes before the first byte arrives
 * @param waitForArchive {@code WAIT}: after the copy, the server waits until every WAL segment the
 *     backup needs has been archived; matters only with {@code archive_mode} on
 */
public record BaseBackupOptions(String label, boolean fastCheckpoint, boolean waitForArchive) {

    public BaseBackupOptions {
        Objects.requireNonNull(label, "label");
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c == '\0' || c == '\n' || c == '\r') {
                throw new IllegalArgumentException(
                        "a base backup label must not contain NUL, CR or LF: '" + label.replace("\0", "\\0") + "'");
            }
        }
    }

    /** {@code label} with a fast checkpoint and without waiting for WAL archiving. */
    public static BaseBackupOptions defaults(String label) {
        return new BaseBackupOptions(label, true, false);
    }

    public BaseBackupOptions withFastCheckpoint(boolean fastCheckpoint) {
        return new BaseBackupOptions(label, fastCheckpoint, waitForArchive);
    }

    public BaseBackupOptions withWaitForArchive(boolean waitForArchive) {
        return new BaseBackupOptions(label, fastCheckpoint, waitForArchive);
    }

    /**
     * The command text, e.g. {@code BASE_BACKUP ( LABEL 'x', PROGRESS false, CHECKPOINT 'fast',
     * WAIT false, MANIFEST 'no' )}. The label is a replication-grammar string literal: single quotes
     * doubled, no backslash escapes.
     */
    String command() {
        return "BASE_BACKUP ( LABEL '" + label.replace("'", "''") + "', PROGRESS false, CHECKPOINT '"
                + (fastCheckpoint ? "fast" : "spread") + "', WAIT " + waitForArchive + ", MANIFEST 'no' )";
    }
}
