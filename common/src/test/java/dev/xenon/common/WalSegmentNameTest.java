package dev.xenon.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WalSegmentNameTest {

    private static final int SEG = 16 * 1024 * 1024;

    @Test
    void roundTripsPostgresFileNames() {
        WalSegmentName name = WalSegmentName.parse("0000000100000016000000B3", SEG);
        assertThat(name.pgTimelineId()).isEqualTo(1);
        assertThat(name.segmentNumber()).isEqualTo(0x16L * 256 + 0xB3);
        assertThat(name.startLsn()).isEqualTo(Lsn.parse("16/B3000000"));
        assertThat(name.endLsn()).isEqualTo(Lsn.parse("16/B4000000"));
        assertThat(name.toString()).isEqualTo("0000000100000016000000B3");
        assertThat(name.partialName()).isEqualTo("0000000100000016000000B3.partial");
        assertThat(WalSegmentName.parse(name.partialName(), SEG)).isEqualTo(name);
        assertThat(name.next().toString()).isEqualTo("0000000100000016000000B4");
        assertThat(WalSegmentName.of(1, 0xFF, SEG).next().toString()).isEqualTo("000000010000000100000000");
    }

    @Test
    void otherSegmentSizesSplitLogAndSegDifferently() {
        int oneGiB = 1 << 30;
        WalSegmentName name = WalSegmentName.of(2, 9, oneGiB);
        assertThat(name.toString()).isEqualTo("000000020000000200000001");
        assertThat(WalSegmentName.parse("000000020000000200000001", oneGiB)).isEqualTo(name);
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> WalSegmentName.parse("0000000100000016000000", SEG))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WalSegmentName.parse("0000000100000016000001ZZ", SEG))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WalSegmentName.parse("000000010000001600000100", SEG))
                .hasMessageContaining("segment size");
        assertThat(WalSegmentName.looksLikeSegment("000000010000000000000001.partial"))
                .isTrue();
        assertThat(WalSegmentName.looksLikeSegment("00000002.history")).isFalse();
    }
}
