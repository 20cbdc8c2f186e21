package dev.xenon.common.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xenon.common.Lsn;
import org.junit.jupiter.api.Test;

class ByteArrayWalSourceTest {

    private final ByteArrayWalSource source = new ByteArrayWalSource(Lsn.parse("0/1000"), new byte[] {1, 2, 3, 4, 5});

    @Test
    void readsByLsnAndShortAtTheEnd() {
        byte[] dst = new byte[8];

        assertThat(source.read(Lsn.parse("0/1001"), dst, 2, 3)).isEqualTo(3);
        assertThat(dst).startsWith(0, 0, 2, 3, 4);
        assertThat(source.read(Lsn.parse("0/1003"), dst, 0, 8)).isEqualTo(2);
        assertThat(dst).startsWith(4, 5);
        assertThat(source.read(Lsn.parse("0/1005"), dst, 0, 8)).isEqualTo(-1);
        assertThat(source.end()).isEqualTo(Lsn.parse("0/1005"));
    }

    @Test
    void rejectsPositionsBeforeTheBase() {
        assertThatThrownBy(() -> source.read(Lsn.parse("0/FFF"), new byte[1], 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0/FFF");
    }
}
