package dev.xenon.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

    @Test
    void parsesAndPrintsAsPostgresDoes() {
        Lsn lsn = Lsn.parse("16/B374D848");
        assertThat(lsn.value()).isEqualTo(0x16_B374D848L);
        assertThat(lsn.toString()).isEqualTo("16/B374D848");
        assertThat(Lsn.parse("0/0")).isEqualTo(Lsn.INVALID);
        assertThat(Lsn.parse("ffffffff/ffffffff").toString()).isEqualTo("FFFFFFFF/FFFFFFFF");
        assertThat(Lsn.parse("0/16b3748")).isEqualTo(Lsn.of(0x16B3748));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "1/", "/1", "12", "g/1", "1/123456789", "123456789/1", "1/2/3", "-1/0", " 1/2"})
    void rejectsMalformedText(String text) {
        assertThatThrownBy(() -> Lsn.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid LSN");
    }

    @Test
    void comparesUnsigned() {
        Lsn high = Lsn.parse("FFFFFFFF/0");
        Lsn low = Lsn.parse("1/0");
        assertThat(high).isGreaterThan(low);
        assertThat(high.isAfter(low)).isTrue();
        assertThat(Lsn.max(low, high)).isEqualTo(high);
        assertThat(Lsn.min(low, high)).isEqualTo(low);
    }

    @Test
    void arithmetic() {
        Lsn a = Lsn.parse("0/1000");
        assertThat(a.plus(0x10)).isEqualTo(Lsn.parse("0/1010"));
        assertThat(Lsn.parse("1/0").minus(Lsn.parse("0/FFFFFFFF"))).isEqualTo(1);
    }

    @Test
    void segmentAndPageMath() {
        Lsn lsn = Lsn.parse("1/2A03F10");
        int seg = Lsn.DEFAULT_SEGMENT_SIZE;
        assertThat(lsn.segmentNumber(seg)).isEqualTo(0x102);
        assertThat(lsn.segmentOffset(seg)).isEqualTo(0xA03F10);
        assertThat(lsn.segmentStart(seg)).isEqualTo(Lsn.parse("1/2000000"));
        assertThat(lsn.pageOffset()).isEqualTo(0x1F10);
        assertThat(Lsn.parse("0/2000").isPageBoundary()).isTrue();
        assertThat(lsn.segmentFileName(1, seg)).isEqualTo("000000010000000100000002");
    }
}
