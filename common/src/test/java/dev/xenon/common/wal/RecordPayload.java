package dev.xenon.common.wal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-side encoder of what follows a record's 24-byte header, laid out as Postgres'
 * XLogRecordAssemble does: block headers, origin, top-level xid, main data header, then block
 * images and data in block order, then the main data.
 */
final class RecordPayload {

    /** One block reference to encode. {@code relation} null means BKPBLOCK_SAME_REL. */
    record Block(
            int id,
            int fork,
            int flags,
            RelFileLocator relation,
            long blockNumber,
            byte[] image,
            int holeOffset,
            int imageInfo,
            int compressedHoleLength,
            byte[] data) {}

    private final List<Block> blocks = new ArrayList<>();
    private byte[] mainData = new byte[0];
    private Integer origin;
    private Integer toplevelXid;
    private boolean forceLongMainDataHeader;

    static RecordPayload mainData(byte[] data) {
        return new RecordPayload().withMainData(data);
    }

    RecordPayload withMainData(byte[] data) {
        this.mainData = data;
        return this;
    }

    RecordPayload withBlock(Block block) {
        blocks.add(block);
        return this;
    }

    RecordPayload withOrigin(int origin) {
        this.origin = origin;
        return this;
    }

    RecordPayload withToplevelXid(int xid) {
        this.toplevelXid = xid;
        return this;
    }

    /** A block with data only. */
    static Block dataBlock(int id, RelFileLocator relation, int fork, long blockNumber, byte[] data) {
        return new Block(id, fork, 0, relation, blockNumber, null, 0, 0, 0, data);
    }

    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Block b : blocks) {
            int forkFlags = b.fork() | b.flags();
            if (b.image() != null) {
                forkFlags |= BlockReference.BKPBLOCK_HAS_IMAGE;
            }
            if (b.data() != null && b.data().length > 0) {
                forkFlags |= BlockReference.BKPBLOCK_HAS_DATA;
            }
            if (b.relation() == null) {
                forkFlags |= BlockReference.BKPBLOCK_SAME_REL;
            }
            out.write(b.id());
            out.write(forkFlags);
            writeU16(out, b.data() == null ? 0 : b.data().length);
            if (b.image() != null) {
                writeU16(out, b.image().length);
                writeU16(out, b.holeOffset());
                out.write(b.imageInfo());
                boolean compressed = (b.imageInfo() & BlockImage.COMPRESSED_MASK) != 0;
                if (compressed && (b.imageInfo() & BlockImage.BKPIMAGE_HAS_HOLE) != 0) {
                    writeU16(out, b.compressedHoleLength());
                }
            }
            if (b.relation() != null) {
                writeU32(out, (int) b.relation().spcOid());
                writeU32(out, (int) b.relation().dbOid());
                writeU32(out, (int) b.relation().relNumber());
            }
            writeU32(out, (int) b.blockNumber());
        }
        if (origin != null) {
            out.write(WalRecordLayout.XLR_BLOCK_ID_ORIGIN);
            writeU16(out, origin);
        }
        if (toplevelXid != null) {
            out.write(WalRecordLayout.XLR_BLOCK_ID_TOPLEVEL_XID);
            writeU32(out, toplevelXid);
        }
        if (mainData.length > 0) {
            if (mainData.length < 256 && !forceLongMainDataHeader) {
                out.write(WalRecordLayout.XLR_BLOCK_ID_DATA_SHORT);
                out.write(mainData.length);
            } else {
                out.write(WalRecordLayout.XLR_BLOCK_ID_DATA_LONG);
                writeU32(out, mainData.length);
            }
        }
        for (Block b : blocks) {
            if (b.image() != null) {
                out.writeBytes(b.image());
            }
            if (b.data() != null) {
                out.writeBytes(b.data());
            }
        }
        out.writeBytes(mainData);
        return out.toByteArray();
    }

    /** Payload making a record of exactly {@code totalLength} bytes (header included), main data only. */
    static byte[] ofTotalLength(int totalLength, byte fill) {
        int data = totalLength - WalRecord.HEADER_SIZE;
        if (data == 0) {
            return new byte[0];
        }
        byte[] main = data - 2 < 256 && data - 2 > 0 ? new byte[data - 2] : new byte[data - 5];
        java.util.Arrays.fill(main, fill);
        RecordPayload p = mainData(main);
        p.forceLongMainDataHeader = main.length == data - 5;
        byte[] encoded = p.encode();
        if (encoded.length != data) {
            throw new IllegalArgumentException("cannot make a record of " + totalLength + " bytes");
        }
        return encoded;
    }

    /** Main data of a commit or abort record: xact_time only (no xinfo). */
    static byte[] xactTime(long postgresMicros) {
        return ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(postgresMicros)
                .array();
    }

    private static void writeU16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
    }

    private static void writeU32(ByteArrayOutputStream out, int v) {
        writeU16(out, v & 0xFFFF);
        writeU16(out, v >>> 16);
    }
}
