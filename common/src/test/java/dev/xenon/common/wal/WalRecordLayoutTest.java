package dev.xenon.common.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WalRecordLayoutTest {

    private static final RelFileLocator REL = new RelFileLocator(1663, 16384, 4_000_000_000L);

    /** A record: 24 zero header bytes (the layout does not read them) and {@code payload}. */
    private static byte[] record(byte[] payload) {
        byte[] r = new byte[WalRecord.HEADER_SIZE + payload.length];
        System.arraycopy(payload, 0, r, WalRecord.HEADER_SIZE, payload.length);
        return r;
    }

    private static WalRecordLayout decode(byte[] payload) {
        byte[] r = record(payload);
        return WalRecordLayout.decode(r, r.length);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void mainDataOnlyWithShortAndLongHeaders() {
        WalRecordLayout small = decode(RecordPayload.mainData(filled(10, 1)).encode());
        WalRecordLayout large = decode(RecordPayload.mainData(filled(300, 1)).encode());
        WalRecordLayout empty = decode(new byte[0]);

        assertThat(small.mainDataOffset()).isEqualTo(24 + 2);
        assertThat(small.mainDataLength()).isEqualTo(10);
        assertThat(large.mainDataOffset()).isEqualTo(24 + 5);
        assertThat(large.mainDataLength()).isEqualTo(300);
        assertThat(empty.mainDataLength()).isZero();
        assertThat(empty.blocks()).isEmpty();
    }

    @Test
    void blocksWithoutMainData() {
        byte[] data = filled(6, 7);
        WalRecordLayout l = decode(new RecordPayload()
                .withBlock(RecordPayload.dataBlock(3, REL, BlockReference.FSM_FORKNUM, 12, data))
                .encode());

        assertThat(l.blocks()).hasSize(1);
        BlockReference b = l.blocks().get(0);
        assertThat(b.blockId()).isEqualTo(3);
        assertThat(b.relation()).isEqualTo(REL);
        assertThat(b.relation().toString()).isEqualTo("1663/16384/4000000000");
        assertThat(b.forkName()).isEqualTo("fsm");
        assertThat(b.blockNumber()).isEqualTo(12);
        assertThat(b.dataLength()).isEqualTo(6);
        assertThat(b.dataOffset()).isEqualTo(24 + 4 + 12 + 4);
        assertThat(l.mainDataLength()).isZero();
        assertThat(l.mainDataOffset()).isEqualTo(24 + 4 + 12 + 4 + 6);
    }

    @Test
    void compressedImagesCarryTheirHoleLength() {
        byte[] lz4 = filled(1000, 3);
        byte[] zstd = filled(500, 4);
        WalRecordLayout l = decode(new RecordPayload()
                .withBlock(new RecordPayload.Block(
                        0,
                        0,
                        BlockReference.BKPBLOCK_WILL_INIT,
                        REL,
                        1,
                        lz4,
                        200,
                        BlockImage.BKPIMAGE_HAS_HOLE | BlockImage.BKPIMAGE_COMPRESS_LZ4,
                        3000,
                        null))
                .withBlock(
                        new RecordPayload.Block(1, 0, 0, null, 2, zstd, 0, BlockImage.BKPIMAGE_COMPRESS_ZSTD, 0, null))
                .withMainData(filled(3, 9))
                .encode());

        BlockImage first = l.blocks().get(0).image().orElseThrow();
        assertThat(first.compression()).isEqualTo(BlockImage.Compression.LZ4);
        assertThat(first.isCompressed()).isTrue();
        assertThat(first.holeOffset()).isEqualTo(200);
        assertThat(first.holeLength()).isEqualTo(3000);
        assertThat(first.length()).isEqualTo(1000);
        assertThat(l.blocks().get(0).willInit()).isTrue();
        assertThat(l.blocks().get(0).hasData()).isFalse();
        BlockImage second = l.blocks().get(1).image().orElseThrow();
        assertThat(second.compression()).isEqualTo(BlockImage.Compression.ZSTD);
        assertThat(second.holeLength()).isZero();
        assertThat(second.offset()).isEqualTo(first.offset() + 1000);
        assertThat(l.blocks().get(1).relation()).isEqualTo(REL);
        assertThat(l.mainDataOffset()).isEqualTo(second.offset() + 500);
    }

    @Test
    void uncompressedImageWithoutHoleIsAWholePage() {
        WalRecordLayout l = decode(new RecordPayload()
                .withBlock(new RecordPayload.Block(0, 0, 0, REL, 5, filled(8192, 1), 0, 0, 0, null))
                .encode());

        BlockImage image = l.blocks().get(0).image().orElseThrow();
        assertThat(image.length()).isEqualTo(8192);
        assertThat(image.holeLength()).isZero();
        assertThat(image.hasHole()).isFalse();
        assertThat(image.compression()).isEqualTo(BlockImage.Compression.NONE);
    }

    @Test
    void originAndTopLevelXid() {
        WalRecordLayout l = decode(new RecordPayload()
                .withOrigin(42)
                .withToplevelXid(123_456)
                .withMainData(filled(8, 0))
                .encode());

        assertThat(l.origin()).isEqualTo(42);
        assertThat(l.toplevelXid()).isEqualTo(123_456);
        assertThat(l.mainDataOffset()).isEqualTo(24 + 3 + 5 + 2);
    }

    @Test
    void inconsistentHeadersAreRejected() {
        assertThatThrownBy(() -> decode(bytes(254, 1, 0)))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("ends inside a header");
        assertThatThrownBy(() -> decode(bytes(33, 0, 0, 0)))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("invalid block_id 33");
        assertThatThrownBy(() -> decode(bytes(0, 0x80, 0, 0, 1, 0, 0, 0)))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("BKPBLOCK_SAME_REL set but no previous rel");
        assertThatThrownBy(() -> decode(bytes(0, 0x20, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0)))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("BKPBLOCK_HAS_DATA set, but no data included");
        assertThatThrownBy(() -> decode(bytes(0, 0x00, 1, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 7)))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("BKPBLOCK_HAS_DATA not set");
        assertThatThrownBy(() -> decode(bytes(255, 4, 1, 2, 3)))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("announces 4");
        assertThatThrownBy(() -> decode(bytes(255, 2, 1, 2, 3)))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("announces 2");
        assertThatThrownBy(() -> decode(bytes(0, 0, 0)))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("ends inside a header");
    }

    @Test
    void blocksMustBeInAscendingOrder() {
        byte[] payload = new RecordPayload()
                .withBlock(RecordPayload.dataBlock(2, REL, 0, 1, filled(1, 1)))
                .withBlock(RecordPayload.dataBlock(1, REL, 0, 2, filled(1, 1)))
                .encode();

        assertThatThrownBy(() -> decode(payload))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("out-of-order block_id 1");
    }

    @Test
    void inconsistentImageHeadersAreRejected() {
        byte[] holeAtZero = new RecordPayload()
                .withBlock(new RecordPayload.Block(
                        0, 0, 0, REL, 1, filled(100, 1), 0, BlockImage.BKPIMAGE_HAS_HOLE, 0, null))
                .encode();
        byte[] shortWithoutHole = new RecordPayload()
                .withBlock(new RecordPayload.Block(0, 0, 0, REL, 1, filled(100, 1), 0, 0, 0, null))
                .encode();
        byte[] compressedFullPage = new RecordPayload()
                .withBlock(new RecordPayload.Block(
                        0, 0, 0, REL, 1, filled(8192, 1), 0, BlockImage.BKPIMAGE_COMPRESS_PGLZ, 0, null))
                .encode();

        assertThatThrownBy(() -> decode(holeAtZero))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("BKPIMAGE_HAS_HOLE set");
        assertThatThrownBy(() -> decode(shortWithoutHole))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("BKPIMAGE_HAS_HOLE not set, but hole offset 0 length 8092");
        assertThatThrownBy(() -> decode(compressedFullPage))
                .isInstanceOf(InvalidWalRecordBodyException.class)
                .hasMessageContaining("BKPIMAGE_COMPRESSED set");
    }
}
