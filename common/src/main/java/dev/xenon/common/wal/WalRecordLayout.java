package dev.xenon.common.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the parts of a WAL record lie in its bytes, decoded as Postgres' {@code DecodeXLogRecord}
 * does. After the 24-byte record header come, unaligned and little-endian:
 *
 * <pre>
 * zero or more block headers, block IDs 0..32 ascending:
 *   uint8 id, uint8 fork_flags, uint16 data_length
 *   if fork_flags &amp; BKPBLOCK_HAS_IMAGE (0x10):
 *     uint16 length, uint16 hole_offset, uint8 bimg_info
 *     if bimg_info has BKPIMAGE_HAS_HOLE and a BKPIMAGE_COMPRESS_* bit: uint16 hole_length
 *   unless fork_flags &amp; BKPBLOCK_SAME_REL (0x80): uint32 spcOid, uint32 dbOid, uint32 relNumber
 *   uint32 block number
 * optional 253 (XLR_BLOCK_ID_ORIGIN) + uint16 replication origin
 * optional 252 (XLR_BLOCK_ID_TOPLEVEL_XID) + uint32 top-level transaction ID
 * optional 255 (XLR_BLOCK_ID_DATA_SHORT) + uint8 main data length,
 *       or 254 (XLR_BLOCK_ID_DATA_LONG) + uint32 main data length
 * then, block by block: the image bytes, then the data bytes
 * then the main data, which ends the record
 * </pre>
 *
 * Headers are read while the bytes still to come exceed the sum of the lengths announced so far; a
 * main data header ends them.
 *
 * @param origin the replication origin, or 0 ({@code InvalidRepOriginId}) when absent
 * @param toplevelXid the top-level transaction of a subtransaction's first record, or 0 when absent
 */
public record WalRecordLayout(
        List<BlockReference> blocks, int mainDataOffset, int mainDataLength, int origin, int toplevelXid) {

    public static final int XLR_MAX_BLOCK_ID = 32;
    public static final int XLR_BLOCK_ID_DATA_SHORT = 255;
    public static final int XLR_BLOCK_ID_DATA_LONG = 254;
    public static final int XLR_BLOCK_ID_ORIGIN = 253;
    public static final int XLR_BLOCK_ID_TOPLEVEL_XID = 252;

    /** Size of a data page ({@code BLCKSZ}); full-page images are of such pages. */
    public static final int BLCKSZ = 8192;

    public WalRecordLayout {
        blocks = List.copyOf(blocks);
    }

    /**
     * Decodes the record in {@code record[0, totalLength)} (header included).
     *
     * @throws InvalidWalRecordBodyException when the headers are inconsistent or do not add up to
     *     {@code totalLength}
     */
    public static WalRecordLayout decode(byte[] record, int totalLength) {
        return decode(record, totalLength, true);
    }

    /** As {@link #decode(byte[], int)}; without {@code withBlocks} the block list is left empty. */
    static WalRecordLayout decode(byte[] record, int totalLength, boolean withBlocks) {
        if (totalLength < WalRecord.HEADER_SIZE || totalLength > record.length) {
            throw new InvalidWalRecordBodyException(
                    "record length " + totalLength + " does not fit a header and " + record.length + " bytes");
        }
        Reader in = new Reader(record, totalLength);
        List<PendingBlock> pending = withBlocks ? new ArrayList<>() : null;
        long announced = 0;
        int mainDataLength = 0;
        int origin = 0;
        int toplevelXid = 0;
        int maxBlockId = -1;
        RelFileLocator lastRelation = null;
        boolean haveRelation = false;
        while (in.remaining() > announced) {
            int id = in.u8();
            if (id == XLR_BLOCK_ID_DATA_SHORT) {
                mainDataLength = in.u8();
                announced += mainDataLength;
                break;
            } else if (id == XLR_BLOCK_ID_DATA_LONG) {
                long length = in.u32();
                if (length > Integer.MAX_VALUE) {
                    throw new InvalidWalRecordBodyException("main data length " + length + " too large");
                }
                mainDataLength = (int) length;
                announced += length;
                break;
            } else if (id == XLR_BLOCK_ID_ORIGIN) {
                origin = in.u16();
            } else if (id == XLR_BLOCK_ID_TOPLEVEL_XID) {
                toplevelXid = in.i32();
            } else if (id <= XLR_MAX_BLOCK_ID) {
                if (id <= maxBlockId) {
                    throw new InvalidWalRecordBodyException("out-of-order block_id " + id);
                }
                maxBlockId = id;
                int forkFlags = in.u8();
                int dataLength = in.u16();
                boolean hasData = (forkFlags & BlockReference.BKPBLOCK_HAS_DATA) != 0;
                if (hasData && dataLength == 0) {
                    throw new InvalidWalRecordBodyException("BKPBLOCK_HAS_DATA set, but no data included");
                }
                if (!hasData && dataLength != 0) {
                    throw new InvalidWalRecordBodyException(
                            "BKPBLOCK_HAS_DATA not set, but data length is " + dataLength);
                }
                announced += dataLength;
                int imageLength = 0;
                int holeOffset = 0;
                int holeLength = 0;
                int imageInfo = 0;
                boolean hasImage = (forkFlags & BlockReference.BKPBLOCK_HAS_IMAGE) != 0;
                if (hasImage) {
                    imageLength = in.u16();
                    holeOffset = in.u16();
                    imageInfo = in.u8();
                    boolean compressed = (imageInfo & BlockImage.COMPRESSED_MASK) != 0;
                    boolean hasHole = (imageInfo & BlockImage.BKPIMAGE_HAS_HOLE) != 0;
                    if (compressed) {
                        holeLength = hasHole ? in.u16() : 0;
                    } else {
                        holeLength = BLCKSZ - imageLength;
                    }
                    announced += imageLength;
                    checkImage(id, imageLength, holeOffset, holeLength, hasHole, compressed);
                }
                if ((forkFlags & BlockReference.BKPBLOCK_SAME_REL) == 0) {
                    lastRelation = in.relation();
                    haveRelation = true;
                } else if (!haveRelation) {
                    throw new InvalidWalRecordBodyException("BKPBLOCK_SAME_REL set but no previous rel");
                }
                long blockNumber = in.u32();
                if (withBlocks) {
                    Optional<BlockImage> image = hasImage
                            ? Optional.of(new BlockImage(imageLength, holeOffset, holeLength, imageInfo, 0))
                            : Optional.empty();
                    pending.add(new PendingBlock(id, forkFlags, dataLength, image, lastRelation, blockNumber));
                }
            } else {
                throw new InvalidWalRecordBodyException("invalid block_id " + id);
            }
        }
        if (in.remaining() != announced) {
            throw new InvalidWalRecordBodyException("record of " + totalLength + " bytes announces " + announced
                    + " bytes of data after its headers, but " + in.remaining() + " follow");
        }
        int mainDataOffset = totalLength - mainDataLength;
        if (!withBlocks) {
            return new WalRecordLayout(List.of(), mainDataOffset, mainDataLength, origin, toplevelXid);
        }
        List<BlockReference> blocks = new ArrayList<>(pending.size());
        int at = in.position();
        for (PendingBlock p : pending) {
            Optional<BlockImage> image = p.image();
            if (image.isPresent()) {
                BlockImage i = image.get();
                image = Optional.of(new BlockImage(i.length(), i.holeOffset(), i.holeLength(), i.info(), at));
                at += i.length();
            }
            int dataOffset = at;
            at += p.dataLength();
            blocks.add(new BlockReference(
                    p.id(),
                    p.relation(),
                    p.forkFlags() & BlockReference.BKPBLOCK_FORK_MASK,
                    p.blockNumber(),
                    p.forkFlags() & ~BlockReference.BKPBLOCK_FORK_MASK,
                    image,
                    dataOffset,
                    p.dataLength()));
        }
        return new WalRecordLayout(blocks, mainDataOffset, mainDataLength, origin, toplevelXid);
    }

    private static void checkImage(
            int id, int imageLength, int holeOffset, int holeLength, boolean hasHole, boolean compressed) {
        if (hasHole && (holeOffset == 0 || holeLength == 0 || imageLength == BLCKSZ)) {
            throw new InvalidWalRecordBodyException(String.format(
                    "BKPIMAGE_HAS_HOLE set, but hole offset %d length %d block image length %d (block %d)",
                    holeOffset, holeLength, imageLength, id));
        }
        // An uncompressed image's hole length is BLCKSZ - length, so this also catches an uncompressed
        // image without hole that is not a whole page.
        if (!hasHole && (holeOffset != 0 || holeLength != 0)) {
            throw new InvalidWalRecordBodyException(String.format(
                    "BKPIMAGE_HAS_HOLE not set, but hole offset %d length %d (block %d)", holeOffset, holeLength, id));
        }
        if (compressed && imageLength == BLCKSZ) {
            throw new InvalidWalRecordBodyException(
                    "BKPIMAGE_COMPRESSED set, but block image length " + imageLength + " (block " + id + ")");
        }
    }

    /** A block header read, before the positions of its image and data are known. */
    private record PendingBlock(
            int id,
            int forkFlags,
            int dataLength,
            Optional<BlockImage> image,
            RelFileLocator relation,
            long blockNumber) {}

    /** Sequential reads of header fields, failing on fields that run past the record's end. */
    private static final class Reader {
        private final byte[] b;
        private final int end;
        private int pos = WalRecord.HEADER_SIZE;

        Reader(byte[] b, int end) {
            this.b = b;
            this.end = end;
        }

        int remaining() {
            return end - pos;
        }

        int position() {
            return pos;
        }

        private int take(int n) {
            if (end - pos < n) {
                throw new InvalidWalRecordBodyException("record of " + end + " bytes ends inside a header at " + pos);
            }
            int at = pos;
            pos += n;
            return at;
        }

        int u8() {
            return LittleEndian.u8(b, take(1));
        }

        int u16() {
            return LittleEndian.u16(b, take(2));
        }

        int i32() {
            return LittleEndian.i32(b, take(4));
        }

        long u32() {
            return LittleEndian.u32(b, take(4));
        }

        RelFileLocator relation() {
            return RelFileLocator.read(b, take(RelFileLocator.SIZE));
        }
    }
}
