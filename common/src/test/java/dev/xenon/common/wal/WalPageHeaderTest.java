package dev.xenon.common.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WalPageHeaderTest {

    /** The first 40 bytes of the real PG 15 segment 000000010000000000000002 (see resources/wal). */
    private static final byte[] REAL_LONG =
            HexFormat.of().parseHex("10d106000100000000000002000000000000000000000000cf434ea71bf6016b0000000100200000");
    /** The header of its second page, 0/2002000, which continues a record. */
    private static final byte[] REAL_CONTINUATION =
            HexFormat.of().parseHex("10d105000100000000200002000000009d15000000000000");

    private static final int SEGMENT = Lsn.DEFAULT_SEGMENT_SIZE;

    private static byte[] header(int magic, int info, long pageAddress, int segmentSize, int blockSize) {
        ByteBuffer b = ByteBuffer.allocate(WalPageHeader.LONG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) magic).putShort(2, (short) info).putInt(4, 1).putLong(8, pageAddress);
        b.putLong(24, 99L).putInt(32, segmentSize).putInt(36, blockSize);
        return b.array();
    }

    @Test
    void parsesARealLongHeader() {
        WalPageHeader h = WalPageHeader.parse(REAL_LONG, 0);

        assertThat(h.magic()).isEqualTo(WalPageHeader.MAGIC_PG15);
        assertThat(WalPageHeader.postgresMajorVersion(h.magic())).isEqualTo(15);
        assertThat(h.isLongHeader()).isTrue();
        assertThat(h.isBackupRemovable()).isTrue();
        assertThat(h.isFirstContRecord()).isFalse();
        assertThat(h.size()).isEqualTo(40);
        assertThat(h.timeline()).isEqualTo(1);
        assertThat(h.pageAddress()).isEqualTo(Lsn.parse("0/2000000"));
        assertThat(h.remainingLength()).isZero();
        assertThat(h.systemId()).isEqualTo(7710714635666473935L);
        assertThat(h.segmentSize()).isEqualTo(SEGMENT);
        assertThat(h.blockSize()).isEqualTo(8192);
        assertThat(h.problem(Lsn.parse("0/2000000"), SEGMENT)).isEmpty();
    }

    @Test
    void parsesARealContinuationHeader() {
        byte[] buf = new byte[100];
        System.arraycopy(REAL_CONTINUATION, 0, buf, 50, REAL_CONTINUATION.length);

        WalPageHeader h = WalPageHeader.parse(buf, 50);

        assertThat(h.isFirstContRecord()).isTrue();
        assertThat(h.isLongHeader()).isFalse();
        assertThat(h.size()).isEqualTo(24);
        assertThat(h.pageAddress()).isEqualTo(Lsn.parse("0/2002000"));
        assertThat(h.remainingLength()).isEqualTo(0x159D);
        assertThat(h.systemId()).isZero();
        h.validate(Lsn.parse("0/2002000"), SEGMENT);
    }

    @Test
    void parsesFromAByteBufferPositionWithoutMovingIt() {
        ByteBuffer buf = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
        buf.position(8);
        buf.put(REAL_LONG);
        buf.position(8);

        WalPageHeader h = WalPageHeader.parse(buf);

        assertThat(h).isEqualTo(WalPageHeader.parse(REAL_LONG, 0));
        assertThat(buf.position()).isEqualTo(8);
    }

    @Test
    void shortArraysAreRejected() {
        assertThatThrownBy(() -> WalPageHeader.parse(new byte[20], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> WalPageHeader.parse(java.util.Arrays.copyOf(REAL_LONG, 30), 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void validationNamesTheProblem() {
        Lsn segmentStart = Lsn.parse("0/2000000");
        Lsn page = Lsn.parse("0/2004000");
        WalPageHeader wrongAddress = WalPageHeader.parse(REAL_CONTINUATION, 0);

        assertThatThrownBy(() -> wrongAddress.validate(page, SEGMENT))
                .isInstanceOf(InvalidWalPageHeaderException.class)
                .hasMessageContaining("unexpected page address 0/2002000")
                .extracting(e -> ((InvalidWalPageHeaderException) e).pageAddress())
                .isEqualTo(page);
        assertThat(WalPageHeader.parse(header(0x1234, 0, page.value(), 0, 0), 0).problem(page, SEGMENT))
                .hasValueSatisfying(p -> assertThat(p).contains("invalid magic number 1234"));
        assertThat(WalPageHeader.parse(header(0xD113, 0x10, page.value(), 0, 0), 0)
                        .problem(page, SEGMENT))
                .hasValueSatisfying(p -> assertThat(p).contains("invalid info bits 0010"));
        assertThat(WalPageHeader.parse(header(0xD116, 0, segmentStart.value(), 0, 0), 0)
                        .problem(segmentStart, SEGMENT))
                .hasValueSatisfying(p -> assertThat(p).contains("no long header"));
        assertThat(WalPageHeader.parse(header(0xD110, 2, segmentStart.value(), 1 << 20, 8192), 0)
                        .problem(segmentStart, SEGMENT))
                .hasValueSatisfying(p -> assertThat(p).contains("segments of 1048576 bytes"));
        assertThat(WalPageHeader.parse(header(0xD110, 2, segmentStart.value(), SEGMENT, 16384), 0)
                        .problem(segmentStart, SEGMENT))
                .hasValueSatisfying(p -> assertThat(p).contains("WAL page size 16384"));
        assertThat(WalPageHeader.parse(header(0xD117, 0, page.value(), 0, 0), 0).problem(page, SEGMENT))
                .isPresent();
    }

    @Test
    void knowsTheMagicsOfPostgres15To17() {
        assertThat(WalPageHeader.postgresMajorVersion(0xD110)).isEqualTo(15);
        assertThat(WalPageHeader.postgresMajorVersion(0xD113)).isEqualTo(16);
        assertThat(WalPageHeader.postgresMajorVersion(0xD116)).isEqualTo(17);
        assertThat(WalPageHeader.isKnownMagic(0xD10D)).isFalse(); // PG 14
        assertThat(WalPageHeader.isKnownMagic(0)).isFalse();
    }

    @Test
    void zeroHeaderIsRecognised() {
        assertThat(WalPageHeader.parse(new byte[40], 0).isZero()).isTrue();
        assertThat(WalPageHeader.parse(REAL_CONTINUATION, 0).isZero()).isFalse();
        assertThat(WalPageHeader.sizeOf(0)).isEqualTo(24);
        assertThat(WalPageHeader.sizeOf(WalPageHeader.XLP_LONG_HEADER | 1)).isEqualTo(40);
    }
}
