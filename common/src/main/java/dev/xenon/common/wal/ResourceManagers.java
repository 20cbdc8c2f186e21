package dev.xenon.common.wal;

/**
 * Resource manager IDs ({@code xl_rmid}) of Postgres 15 to 17 ({@code rmgrlist.h}), the names
 * {@code pg_waldump} prints for them, and the info bits this package interprets.
 */
public final class ResourceManagers {

    public static final int RM_XLOG_ID = 0;
    public static final int RM_XACT_ID = 1;
    public static final int RM_SMGR_ID = 2;
    public static final int RM_HEAP2_ID = 9;
    public static final int RM_HEAP_ID = 10;
    public static final int RM_BTREE_ID = 11;
    public static final int RM_LOGICALMSG_ID = 21;

    /** Highest built-in ID; 128 to 255 are custom resource managers (extensions). */
    public static final int RM_MAX_BUILTIN_ID = 21;

    public static final int RM_MIN_CUSTOM_ID = 128;

    /** {@code xl_info} bits owned by the resource manager; the low 4 bits belong to the WAL machinery. */
    public static final int XLR_RMGR_INFO_MASK = 0xF0;

    /** RM_XLOG_ID: the rest of the segment is unused. */
    public static final int XLOG_SWITCH = 0x40;
    /** RM_XLOG_ID: marks where a torn record was abandoned after a crash. */
    public static final int XLOG_OVERWRITE_CONTRECORD = 0xD0;

    /** RM_XACT_ID: {@code xl_info} bits holding the transaction record kind. */
    public static final int XLOG_XACT_OPMASK = 0x70;

    public static final int XLOG_XACT_COMMIT = 0x00;
    public static final int XLOG_XACT_PREPARE = 0x10;
    public static final int XLOG_XACT_ABORT = 0x20;
    public static final int XLOG_XACT_COMMIT_PREPARED = 0x30;
    public static final int XLOG_XACT_ABORT_PREPARED = 0x40;

    private static final String[] NAMES = {
        "XLOG",
        "Transaction",
        "Storage",
        "CLOG",
        "Database",
        "Tablespace",
        "MultiXact",
        "RelMap",
        "Standby",
        "Heap2",
        "Heap",
        "Btree",
        "Hash",
        "Gin",
        "Gist",
        "Sequence",
        "SPGist",
        "BRIN",
        "CommitTs",
        "ReplicationOrigin",
        "Generic",
        "LogicalMessage"
    };

    private ResourceManagers() {}

    /** Whether Postgres accepts {@code rmid} in a record header (built-in or custom). */
    public static boolean isValid(int rmid) {
        return (rmid >= 0 && rmid <= RM_MAX_BUILTIN_ID) || (rmid >= RM_MIN_CUSTOM_ID && rmid <= 255);
    }

    /** The name {@code pg_waldump} prints, e.g. {@code Heap2}; {@code custom###} for custom IDs. */
    public static String name(int rmid) {
        if (rmid >= 0 && rmid < NAMES.length) {
            return NAMES[rmid];
        }
        return String.format("custom%03d", rmid);
    }
}
