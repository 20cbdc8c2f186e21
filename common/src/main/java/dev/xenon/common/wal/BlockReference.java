package dev.xenon.common.wal;

import java.util.Objects;
import java.util.Optional;

/**
 * A data page a WAL record touches ({@code XLogRecordBlockHeader}), with where its full-page image
 * and its rmgr-specific data lie in the record's bytes ({@link WalRecord#body()}).
 *
 * @param blockId the reference's ID in the record, 0 to 32
 * @param forkNumber 0 main, 1 free space map, 2 visibility map, 3 init
 * @param blockNumber the page number in the fork, an unsigned 32-bit number
 * @param flags the high 4 bits of {@code fork_flags}, see BKPBLOCK_*
 * @param dataOffset where the block's data starts in the record's bytes (meaningful when {@code
 *     dataLength > 0})
 */
public record BlockReference(
        int blockId,
        RelFileLocator relation,
        int forkNumber,
        long blockNumber,
        int flags,
        Optional<BlockImage> image,
        int dataOffset,
        int dataLength) {

    public static final int BKPBLOCK_FORK_MASK = 0x0F;
    public static final int BKPBLOCK_HAS_IMAGE = 0x10;
    public static final int BKPBLOCK_HAS_DATA = 0x20;
    public static final int BKPBLOCK_WILL_INIT = 0x40;
    /** The relation is the previous block reference's; its RelFileLocator is omitted. */
    public static final int BKPBLOCK_SAME_REL = 0x80;

    public static final int MAIN_FORKNUM = 0;
    public static final int FSM_FORKNUM = 1;
    public static final int VISIBILITYMAP_FORKNUM = 2;
    public static final int INIT_FORKNUM = 3;

    public BlockReference {
        Objects.requireNonNull(relation, "relation");
        Objects.requireNonNull(image, "image");
    }

    public boolean hasImage() {
        return image.isPresent();
    }

    public boolean hasData() {
        return (flags & BKPBLOCK_HAS_DATA) != 0;
    }

    /** Redo re-initialises the page instead of reading it. */
    public boolean willInit() {
        return (flags & BKPBLOCK_WILL_INIT) != 0;
    }

    /** {@code main}, {@code fsm}, {@code vm}, {@code init} (Postgres' fork names). */
    public String forkName() {
        return switch (forkNumber) {
            case MAIN_FORKNUM -> "main";
            case FSM_FORKNUM -> "fsm";
            case VISIBILITYMAP_FORKNUM -> "vm";
            case INIT_FORKNUM -> "init";
            default -> "fork" + forkNumber;
        };
    }

    @Override
    public String toString() {
        return "blkref #" + blockId + ": rel " + relation + " fork " + forkName() + " blk " + blockNumber
                + (hasImage() ? " FPW" : "") + (hasData() ? " data " + dataLength : "");
    }
}
